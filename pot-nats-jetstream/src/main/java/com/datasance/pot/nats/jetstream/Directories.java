package com.datasance.pot.nats.jetstream;

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

/** Reads the store and resolver directories; the only file-system access of the plan. */
final class Directories {

    static final String JWT_SUFFIX = ".jwt";

    private Directories() {}

    /** The entries of {@code <store_dir>/jetstream}; empty when it does not exist (no JetStream data yet). */
    static List<PurgePlan.StoreEntry> store(Path accountsDir) throws ReconcileException {
        List<PurgePlan.StoreEntry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(accountsDir)) {
            for (Path path : stream) {
                BasicFileAttributes attributes =
                        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String name = path.getFileName().toString();
                if (attributes.isSymbolicLink()) {
                    entries.add(new PurgePlan.StoreEntry(name, PurgePlan.StoreEntry.Kind.SYMLINK));
                } else if (attributes.isDirectory()) {
                    entries.add(new PurgePlan.StoreEntry(name, PurgePlan.StoreEntry.Kind.DIRECTORY));
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new ReconcileException("cannot list the JetStream store '" + accountsDir + "': " + e, e);
        }
        return entries;
    }

    /**
     * Marks as meta state every would-be candidate that holds a {@code _js_} directory. Only the
     * candidates are examined (one stat each), so a store of 10,000 live accounts costs nothing here.
     */
    static List<PurgePlan.StoreEntry> markMeta(Path accountsDir, List<PurgePlan.StoreEntry> store, Set<String> live) {
        List<PurgePlan.StoreEntry> marked = new ArrayList<>(store.size());
        for (PurgePlan.StoreEntry entry : store) {
            if (entry.kind() == PurgePlan.StoreEntry.Kind.DIRECTORY
                    && !live.contains(entry.name())
                    && Files.isDirectory(
                            accountsDir.resolve(entry.name()).resolve("_js_"), LinkOption.NOFOLLOW_LINKS)) {
                marked.add(new PurgePlan.StoreEntry(entry.name(), PurgePlan.StoreEntry.Kind.META_DIRECTORY));
            } else {
                marked.add(entry);
            }
        }
        return marked;
    }

    /** The account keys with a {@code <KEY>.jwt} regular file (links followed: kubelet mounts are links). */
    static PurgePlan.Resolver resolver(Optional<Path> resolverDir) {
        if (resolverDir.isEmpty()) {
            return new PurgePlan.Resolver.None();
        }
        Path dir = resolverDir.get();
        Set<String> accounts = new HashSet<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                if (name.endsWith(JWT_SUFFIX) && Files.isRegularFile(path)) {
                    accounts.add(name.substring(0, name.length() - JWT_SUFFIX.length()));
                }
            }
        } catch (IOException | SecurityException e) {
            return new PurgePlan.Resolver.Unreadable("cannot read the resolver directory '" + dir + "': " + e);
        }
        return new PurgePlan.Resolver.Listed(accounts);
    }

    /** True when {@code <dir>/<account>.jwt} is a regular file now. */
    static boolean hasJwt(Path resolverDir, String account) {
        return Files.isRegularFile(resolverDir.resolve(account + JWT_SUFFIX));
    }

    /**
     * Why the resolver directory is unsafe to purge against right now, if it is: unreadable, or
     * holding no account JWT besides the system account's. Stops at the first other account, so
     * this is cheap enough to run before every request.
     */
    static Optional<String> unsafeNow(Path dir, Optional<String> systemAccount) {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                if (!name.endsWith(JWT_SUFFIX)) {
                    continue;
                }
                String account = name.substring(0, name.length() - JWT_SUFFIX.length());
                if (systemAccount.filter(account::equals).isEmpty() && Files.isRegularFile(path)) {
                    return Optional.empty();
                }
            }
        } catch (IOException | SecurityException e) {
            return Optional.of("cannot read the resolver directory '" + dir + "': " + e);
        }
        return Optional.of("the resolver directory '" + dir + "' holds no account JWT other than the system account's");
    }

    static Set<String> liveAccounts(PurgePlan.Resolver resolver) {
        return resolver instanceof PurgePlan.Resolver.Listed listed ? listed.accounts() : new HashSet<>();
    }
}
