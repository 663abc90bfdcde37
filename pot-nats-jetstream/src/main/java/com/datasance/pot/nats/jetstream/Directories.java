package com.datasance.pot.nats.jetstream;

import com.datasance.pot.nats.api.SafeText;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the store and resolver directories; the only file-system access of the plan. Listings
 * read names only; a stat is paid only for store entries that are not live accounts, so a plan
 * over 10,000 live accounts costs two directory listings.
 */
final class Directories {

    static final String JWT_SUFFIX = ".jwt";

    private Directories() {}

    /**
     * The entries of {@code <store_dir>/jetstream} whose name is not in {@code live}, classified
     * without following links; empty when the directory does not exist (no JetStream data yet).
     * Plain files are left out: nats-server keeps only directories there.
     */
    static List<PurgePlan.StoreEntry> storeExcept(Path storeDir, Set<String> live) throws ReconcileException {
        Path accountsDir = storeDir.resolve("jetstream");
        checkStoreDir(storeDir, accountsDir);
        List<PurgePlan.StoreEntry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(accountsDir)) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                if (live.contains(name)) {
                    continue;
                }
                BasicFileAttributes attributes =
                        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attributes.isSymbolicLink()) {
                    entries.add(new PurgePlan.StoreEntry(name, PurgePlan.StoreEntry.Kind.SYMLINK));
                } else if (attributes.isDirectory()) {
                    // '_js_' holds a cluster's meta state; only the system account has one.
                    boolean meta = Files.isDirectory(path.resolve("_js_"), LinkOption.NOFOLLOW_LINKS);
                    entries.add(new PurgePlan.StoreEntry(
                            name,
                            meta ? PurgePlan.StoreEntry.Kind.META_DIRECTORY : PurgePlan.StoreEntry.Kind.DIRECTORY));
                }
            }
        } catch (NoSuchFileException e) {
            // checked above: it went away since (the server deleting its last account's data)
            return List.of();
        } catch (IOException e) {
            throw new ReconcileException(
                    "cannot list the JetStream store " + SafeText.quote(accountsDir.toString()) + ": "
                            + SafeText.escape(e.toString()),
                    e);
        }
        return entries;
    }

    /**
     * A store directory that would plan nothing for a wrong reason is an error, not "0 planned":
     * missing, or {@code /varz}'s {@code store_dir} (which already ends in {@code jetstream}) given
     * where the configured one belongs. nats-server creates {@code <store_dir>/jetstream} when
     * JetStream starts, so on a running server it is always there.
     */
    static void checkStoreDir(Path storeDir, Path accountsDir) throws ReconcileException {
        if (Files.isDirectory(accountsDir)) {
            return;
        }
        String expected = "; expected the JetStream 'store_dir' as configured, the directory that holds 'jetstream/'"
                + " (nats-server creates it when JetStream starts)";
        if (!Files.isDirectory(storeDir)) {
            throw new ReconcileException(
                    "JetStream store dir " + SafeText.quote(storeDir.toString()) + " does not exist" + expected);
        }
        Path name = storeDir.getFileName();
        if (name != null && name.toString().equals("jetstream")) {
            throw new ReconcileException("JetStream store dir " + SafeText.quote(storeDir.toString())
                    + " holds no 'jetstream/' and ends in 'jetstream' itself: it looks like /varz's"
                    + " 'jetstream.config.store_dir', which already includes that level; use its parent "
                    + SafeText.quote(String.valueOf(storeDir.getParent())) + expected);
        }
        throw new ReconcileException("JetStream store dir " + SafeText.quote(storeDir.toString())
                + " holds no 'jetstream/' directory" + expected);
    }

    /**
     * The names {@code <NAME>.jwt} in the resolver directory, and whether one of them besides the
     * system account's holds a real account JWT. A name counts whatever the file holds: a stray
     * directory or an emptied file called {@code <KEY>.jwt} keeps that account's data, which is the
     * safe mistake. The pass-wide guard (rule 3) counts only real JWTs, see {@link #holdsAccountJwt}.
     *
     * @param systemAccount the system account, whose JWT does not count for the guard
     */
    static PurgePlan.Resolver resolver(Optional<Path> resolverDir, Optional<String> systemAccount) {
        if (resolverDir.isEmpty()) {
            return new PurgePlan.Resolver.None();
        }
        Path dir = resolverDir.get();
        Set<String> accounts = new HashSet<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                if (name.endsWith(JWT_SUFFIX)) {
                    accounts.add(name.substring(0, name.length() - JWT_SUFFIX.length()));
                }
            }
        } catch (IOException | SecurityException e) {
            return new PurgePlan.Resolver.Unreadable("cannot read the resolver directory "
                    + SafeText.quote(dir.toString()) + ": " + SafeText.escape(e.toString()));
        }
        // Stops at the first real one: one file read in a healthy directory.
        boolean holdsAccountJwt = accounts.stream()
                .filter(account -> systemAccount.filter(account::equals).isEmpty() && PurgePlan.isAccountKey(account))
                .anyMatch(account -> holdsAccountJwt(dir.resolve(account + JWT_SUFFIX), account));
        return new PurgePlan.Resolver.Listed(accounts, holdsAccountJwt);
    }

    /**
     * Whether {@code file} is, through its links (a Secret mounted as the resolver directory is
     * links into {@code ..data}), a regular file of at most {@link RegularFiles#MAX_BYTES} holding
     * an account JWT whose subject is {@code account}. An emptied Secret value, a file nats-server
     * is rewriting in place (O_TRUNC) or garbage must not make a broken directory look healthy.
     */
    static boolean holdsAccountJwt(Path file, String account) {
        try {
            return ClaimsFile.isAccountJwtOf(RegularFiles.read(file, RegularFiles.MAX_BYTES, "resolver JWT"), account);
        } catch (ReconcileException e) {
            return false;
        }
    }

    /** True when {@code <dir>/<account>.jwt} exists now (any type, as {@link #resolver}). */
    static boolean hasJwt(Path resolverDir, String account) {
        return Files.exists(resolverDir.resolve(account + JWT_SUFFIX));
    }

    /**
     * Why the resolver directory is unsafe to purge against right now, if it is: unreadable, or
     * holding no real account JWT besides the system account's ({@link #holdsAccountJwt}). Stops at
     * the first other account that holds one, so this is cheap enough to run before every request.
     */
    static Optional<PurgeSkipReason> unsafeNow(Path dir, Optional<String> systemAccount) {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                if (!name.endsWith(JWT_SUFFIX)) {
                    continue;
                }
                String account = name.substring(0, name.length() - JWT_SUFFIX.length());
                if (systemAccount.filter(account::equals).isEmpty()
                        && PurgePlan.isAccountKey(account)
                        && holdsAccountJwt(path, account)) {
                    return Optional.empty();
                }
            }
        } catch (IOException | SecurityException e) {
            return Optional.of(PurgeSkipReason.RESOLVER_DIR_UNREADABLE);
        }
        return Optional.of(PurgeSkipReason.RESOLVER_DIR_EMPTY);
    }
}
