package com.datasance.pot.nats.jetstream;

import com.datasance.pot.nats.api.SafeText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors the account JWTs of a read-only mount (a Secret or ConfigMap volume) into the writable
 * resolver directory nats-server owns, which nats-server serves to anyone who asks and a full
 * resolver syncs to its peers. Only an entry named {@code <account public key>.jwt}, whose link
 * chain stays inside the mount and that holds an account JWT whose subject is that key, is
 * copied; any other {@code *.jwt} entry (a link to creds, a hidden or odd name, a user JWT) is
 * not, with one WARN per entry and run naming it, never its content. Each copy goes through a temp file in the target
 * directory and an atomic rename, so nats-server never reads a half-written JWT, with the mode
 * nats-server gives its own JWT files (0640).
 *
 * <p>Ownership: the mirror removes only JWTs it copied itself, and only while they still hold
 * what it copied. What it copied is listed in a manifest beside them ({@value #MANIFEST}; the
 * resolver reads only {@code *.jwt}), so this survives restarts. A JWT nats-server wrote (an
 * account pushed with {@code nsc push}, i.e. {@code $SYS.REQ.CLAIMS.UPDATE}) or anyone else wrote
 * is never removed. Nothing at all is removed while the mount is missing, empty, or holds no
 * account JWT but the system account's: a rotating or broken volume looks like that, and removing
 * then would make every account look gone.
 *
 * <p>Leftover temp files ({@code .pot-nats-*.tmp}, e.g. after a SIGKILL mid-copy) are removed at
 * the start of each run. Not safe to run twice at once on the same target.
 */
public final class JwtMountMirror {

    private static final Logger LOG = LoggerFactory.getLogger(JwtMountMirror.class);

    /** The manifest of mirrored JWTs, one {@code <file name> <sha-256>} per line. */
    public static final String MANIFEST = ".pot-nats-mirror";

    private static final String TEMP_PREFIX = ".pot-nats-";
    private static final String TEMP_SUFFIX = ".tmp";

    /** nats-server 2.9's dir store writes its JWT files 0640. */
    private static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r-----");

    /**
     * What one mirror run changed.
     *
     * @param copied JWT file names copied (new or changed in the mount)
     * @param removed JWT file names removed (mirrored earlier, gone from the mount)
     * @param mountEmpty true when the mount was missing, empty or held no account JWT but the
     *     system account's, so that nothing was removed
     */
    public record Result(List<String> copied, List<String> removed, boolean mountEmpty) {
        /**
         * Copies both lists.
         *
         * @throws NullPointerException when a list is null or holds null
         */
        public Result {
            copied = List.copyOf(Objects.requireNonNull(copied, "copied"));
            removed = List.copyOf(Objects.requireNonNull(removed, "removed"));
        }

        /**
         * Whether the resolver directory changed.
         *
         * @return true when a JWT was copied or removed
         */
        public boolean changed() {
            return !copied.isEmpty() || !removed.isEmpty();
        }
    }

    private JwtMountMirror() {}

    /**
     * {@link #mirror(Path, Path, Optional)} without knowing the system account: a mount holding
     * only JWTs that are not account keys still removes nothing, but one holding only the system
     * account's JWT counts as holding accounts.
     *
     * @param mountDir the read-only mount; missing counts as empty (nothing removed)
     * @param resolverDir nats-server's resolver directory; created when missing
     * @return what was copied and removed
     * @throws ReconcileException naming the path when a directory cannot be read or written
     */
    public static Result mirror(Path mountDir, Path resolverDir) throws ReconcileException {
        return mirror(mountDir, resolverDir, Optional.empty());
    }

    /**
     * Makes the {@code *.jwt} files of {@code resolverDir} that the mirror owns equal to those of
     * {@code mountDir} (by content; unchanged files are not rewritten).
     *
     * @param mountDir the read-only mount; missing counts as empty (nothing removed)
     * @param resolverDir nats-server's resolver directory; created when missing
     * @param systemAccount the system account's key: a mount holding only its JWT removes nothing
     * @return what was copied and removed
     * @throws ReconcileException naming the path when a directory cannot be read or written
     */
    public static Result mirror(Path mountDir, Path resolverDir, Optional<String> systemAccount)
            throws ReconcileException {
        Mount mount = scan(mountDir);
        Map<String, byte[]> mounted = mount.accepted();
        try {
            Files.createDirectories(resolverDir);
        } catch (IOException e) {
            throw new ReconcileException(
                    "cannot create the resolver directory " + quote(resolverDir) + ": " + SafeText.escape(e.toString()),
                    e);
        }
        removeLeftovers(resolverDir);
        Map<String, String> manifest = readManifest(resolverDir);
        Map<String, String> owned = new TreeMap<>(manifest);
        List<String> copied = new ArrayList<>();
        // Rule 3 for the mount: only real account JWTs (not an emptied Secret value) make it a
        // mount that holds accounts, and so allow removals.
        boolean holdsAccounts = mounted.keySet().stream()
                .map(JwtMountMirror::keyOf)
                .anyMatch(key -> systemAccount.filter(key::equals).isEmpty());
        try {
            for (Map.Entry<String, byte[]> entry : mounted.entrySet()) {
                String name = entry.getKey();
                byte[] content = entry.getValue();
                Path target = resolverDir.resolve(name);
                String digest = sha256(content);
                Optional<String> present = digestOf(target);
                if (present.filter(digest::equals).isPresent()) {
                    // Same bytes: ours from now on, whoever wrote them (nothing to rewrite).
                    owned.put(name, digest);
                    continue;
                }
                writeAtomically(resolverDir, target, content);
                owned.put(name, digest);
                copied.add(name);
            }
            List<String> removed = new ArrayList<>();
            if (!holdsAccounts) {
                long others = owned.keySet().stream()
                        .filter(n -> !mounted.containsKey(n))
                        .count();
                if (others > 0) {
                    LOG.warn(
                            "JWT mirror: mount {} holds no account JWT{}; removing none of the {} JWT(s) mirrored"
                                    + " into {} (a rotating or broken volume looks like this)",
                            quote(mountDir),
                            systemAccount.isPresent() ? " but the system account's" : "",
                            others,
                            quote(resolverDir));
                }
            } else {
                for (String name : List.copyOf(owned.keySet())) {
                    if (mounted.containsKey(name)) {
                        continue;
                    }
                    Path gone = resolverDir.resolve(name);
                    if (mount.refused().contains(name) && Directories.holdsAccountJwt(gone, keyOf(name))) {
                        // Still in the mount under its name, but not as an account JWT (warned
                        // above): an emptied or broken Secret value never removes a live account.
                        continue;
                    }
                    String mirroredDigest = owned.remove(name);
                    Optional<String> now = digestOf(gone);
                    if (now.isEmpty()) {
                        continue; // already gone
                    }
                    if (!now.get().equals(mirroredDigest)) {
                        // Rewritten since we copied it (a claims push, an operator): no longer ours.
                        LOG.info(
                                "JWT mirror: {} left the mount but was rewritten since it was mirrored; kept",
                                SafeText.quote(name));
                        continue;
                    }
                    try {
                        Files.deleteIfExists(gone);
                    } catch (IOException e) {
                        owned.put(name, mirroredDigest);
                        throw new ReconcileException(
                                "cannot remove " + quote(gone) + ": " + SafeText.escape(e.toString()), e);
                    }
                    removed.add(name);
                }
            }
            if (!copied.isEmpty() || !removed.isEmpty()) {
                LOG.info(
                        "JWT mirror: {} -> {}: copied {}, removed {}",
                        quote(mountDir),
                        quote(resolverDir),
                        names(copied),
                        names(removed));
            }
            return new Result(copied, removed, !holdsAccounts);
        } finally {
            if (!owned.equals(manifest)) {
                writeManifest(resolverDir, owned);
            }
        }
    }

    /**
     * Removes {@code .pot-nats-*.tmp} files a killed mirror left in {@code resolverDir} (they are
     * never a JWT nats-server reads).
     *
     * @param resolverDir the resolver directory; missing counts as none left over
     * @return how many were removed
     * @throws ReconcileException naming the directory when it cannot be listed or a file removed
     */
    public static int removeLeftovers(Path resolverDir) throws ReconcileException {
        int removed = 0;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(resolverDir, TEMP_PREFIX + "*" + TEMP_SUFFIX)) {
            for (Path leftover : stream) {
                if (Files.isRegularFile(leftover, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(leftover);
                    removed++;
                }
            }
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new ReconcileException(
                    "cannot remove leftover temp files in " + quote(resolverDir) + ": " + SafeText.escape(e.toString()),
                    e);
        }
        if (removed > 0) {
            LOG.info("JWT mirror: removed {} leftover temp file(s) in {}", removed, quote(resolverDir));
        }
        return removed;
    }

    private static void writeAtomically(Path dir, Path target, byte[] content) throws ReconcileException {
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, TEMP_PREFIX, TEMP_SUFFIX, PosixFilePermissions.asFileAttribute(MODE));
            Files.write(temp, content);
            Files.setPosixFilePermissions(temp, MODE); // the umask may have narrowed it
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new ReconcileException("the file system of " + quote(target) + " cannot rename atomically", e);
        } catch (IOException e) {
            throw new ReconcileException("cannot write " + quote(target) + ": " + SafeText.escape(e.toString()), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    LOG.warn("JWT mirror: cannot remove temp file {}: {}", quote(temp), SafeText.escape(e.toString()));
                }
            }
        }
    }

    private static Map<String, String> readManifest(Path dir) throws ReconcileException {
        Map<String, String> manifest = new TreeMap<>();
        Path file = dir.resolve(MANIFEST);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return manifest;
        } catch (IOException e) {
            throw new ReconcileException(
                    "cannot read the mirror manifest " + quote(file) + ": "
                            + SafeText.escape(e.toString()) + "; remove it to start over (nothing will be removed"
                            + " until the mirror copies again)",
                    e);
        }
        for (String line : lines) {
            int space = line.lastIndexOf(' ');
            if (space > 0 && line.substring(0, space).endsWith(Directories.JWT_SUFFIX)) {
                manifest.put(line.substring(0, space), line.substring(space + 1));
            }
        }
        return manifest;
    }

    private static void writeManifest(Path dir, Map<String, String> owned) throws ReconcileException {
        StringBuilder text = new StringBuilder();
        owned.forEach(
                (name, digest) -> text.append(name).append(' ').append(digest).append('\n'));
        writeAtomically(dir, dir.resolve(MANIFEST), text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The SHA-256 of a regular file (not through a link) in the resolver directory, or empty when
     * there is none. A file larger than any mounted JWT we could have copied is never ours: it
     * gets a value no SHA-256 equals, without being read.
     */
    private static Optional<String> digestOf(Path file) throws ReconcileException {
        try {
            BasicFileAttributes attributes =
                    Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            if (attributes.size() > RegularFiles.MAX_BYTES) {
                return Optional.of("larger than " + RegularFiles.MAX_BYTES + " bytes");
            }
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                // Grown past the cap since: the digest of the first bytes matches nothing we copied.
                return Optional.of(sha256(in.readNBytes(RegularFiles.MAX_BYTES + 1)));
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ReconcileException("cannot read " + quote(file) + ": " + SafeText.escape(e.toString()), e);
        }
    }

    /**
     * What the mount offers: {@code accepted}, the entries to mirror (name to content); {@code
     * refused}, the names {@code <account public key>.jwt} whose entry is not taken (warned).
     */
    private record Mount(Map<String, byte[]> accepted, Set<String> refused) {}

    /**
     * Reads the mount's entries named {@code <account public key>.jwt} whose link chain stays
     * inside the mount (Kubernetes volume entries are links into {@code ..data}, itself a link to
     * a {@code ..<timestamp>} directory beside it) and ends at a regular file holding an account
     * JWT whose subject is that key. Anything else named {@code *.jwt} is not taken, with one WARN
     * naming the entry (escaped) and why, never its content: a link out of the mount is not even
     * opened, as it may point at creds or a key. Other names (README, {@code ..data}) are ignored.
     */
    private static Mount scan(Path dir) throws ReconcileException {
        Map<String, byte[]> accepted = new TreeMap<>();
        Set<String> refused = new TreeSet<>();
        Path root;
        try {
            root = dir.toRealPath();
        } catch (NoSuchFileException e) {
            // A mount not there yet holds nothing.
            return new Mount(accepted, refused);
        } catch (IOException e) {
            throw new ReconcileException("cannot read " + quote(dir) + ": " + SafeText.escape(e.toString()), e);
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                if (!name.endsWith(Directories.JWT_SUFFIX)) {
                    continue;
                }
                String key = keyOf(name);
                if (!PurgePlan.isAccountKey(key)) {
                    warn(name, dir, "is not named '<account public key>.jwt'");
                    continue;
                }
                refused.add(name);
                Path real;
                try {
                    // realpath(3): reads the links, opens nothing.
                    real = path.toRealPath();
                } catch (IOException e) {
                    warn(name, dir, "cannot be resolved (" + e.getClass().getSimpleName() + ")");
                    continue;
                }
                if (!real.startsWith(root)) {
                    warn(name, dir, "is a link to " + quote(real) + ", outside the mount; not read");
                    continue;
                }
                byte[] content;
                try {
                    // The real path, checked above: a link swapped since cannot lead out of the mount.
                    content = RegularFiles.read(real, RegularFiles.MAX_BYTES, "mounted JWT");
                } catch (ReconcileException e) {
                    warn(name, dir, "cannot be taken: " + e.getMessage());
                    continue;
                }
                if (!ClaimsFile.isAccountJwtOf(content, key)) {
                    int length = content.length;
                    Arrays.fill(content, (byte) 0); // may be anything, creds included: not kept
                    warn(name, dir, "is not an account JWT for its name (" + length + " bytes)");
                    continue;
                }
                refused.remove(name);
                accepted.put(name, content);
            }
        } catch (IOException e) {
            throw new ReconcileException("cannot read " + quote(dir) + ": " + SafeText.escape(e.toString()), e);
        }
        return new Mount(accepted, refused);
    }

    private static void warn(String name, Path mountDir, String why) {
        LOG.warn("JWT mirror: {} in mount {} {}; not copied", SafeText.quote(name), quote(mountDir), why);
    }

    private static String keyOf(String jwtName) {
        return jwtName.substring(0, jwtName.length() - Directories.JWT_SUFFIX.length());
    }

    private static String quote(Path path) {
        return SafeText.quote(path.toString());
    }

    private static String names(List<String> names) {
        return names.stream().map(SafeText::quote).toList().toString();
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
