package com.datasance.pot.nats.jetstream;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors the {@code *.jwt} files of a read-only mount (a Secret or ConfigMap volume) into the
 * writable resolver directory nats-server owns. Each copy goes through a temp file in the target
 * directory and an atomic rename, so nats-server never reads a half-written JWT. JWTs that left the
 * mount are removed, except when the mount holds no JWT at all: a volume is briefly empty while
 * it rotates, and emptying the resolver then would make every account look removed.
 *
 * <p>Stateless; not safe to run twice at once on the same target.
 */
public final class JwtMountMirror {

    private static final Logger LOG = LoggerFactory.getLogger(JwtMountMirror.class);

    /** What one mirror run changed. */
    public record Result(List<String> copied, List<String> removed, boolean mountEmpty) {
        public Result {
            copied = List.copyOf(Objects.requireNonNull(copied, "copied"));
            removed = List.copyOf(Objects.requireNonNull(removed, "removed"));
        }

        public boolean changed() {
            return !copied.isEmpty() || !removed.isEmpty();
        }
    }

    private JwtMountMirror() {}

    /**
     * Makes the {@code *.jwt} files of {@code resolverDir} equal to those of {@code mountDir}
     * (by content; unchanged files are not rewritten).
     *
     * @throws ReconcileException naming the path when a directory cannot be read or written
     */
    public static Result mirror(Path mountDir, Path resolverDir) throws ReconcileException {
        Map<String, Path> mounted = jwts(mountDir);
        try {
            Files.createDirectories(resolverDir);
        } catch (IOException e) {
            throw new ReconcileException("cannot create the resolver directory '" + resolverDir + "': " + e, e);
        }
        Map<String, Path> present = jwts(resolverDir);
        List<String> copied = new ArrayList<>();
        for (Map.Entry<String, Path> entry : mounted.entrySet()) {
            Path target = resolverDir.resolve(entry.getKey());
            try {
                byte[] content = Files.readAllBytes(entry.getValue());
                if (present.containsKey(entry.getKey()) && Arrays.equals(content, Files.readAllBytes(target))) {
                    continue;
                }
                Path temp = Files.createTempFile(resolverDir, ".pot-nats-", ".tmp");
                try {
                    Files.write(temp, content);
                    moveAtomically(temp, target);
                } finally {
                    Files.deleteIfExists(temp);
                }
                copied.add(entry.getKey());
            } catch (IOException e) {
                throw new ReconcileException(
                        "cannot copy '" + entry.getValue() + "' to '" + target + "': " + e.getMessage(), e);
            }
        }
        List<String> removed = new ArrayList<>();
        if (mounted.isEmpty()) {
            if (!present.isEmpty()) {
                LOG.warn(
                        "JWT mirror: mount '{}' holds no JWT; keeping the {} JWT(s) in '{}' (a rotating volume is briefly empty)",
                        mountDir,
                        present.size(),
                        resolverDir);
            }
        } else {
            for (String name : present.keySet()) {
                if (!mounted.containsKey(name)) {
                    Path gone = resolverDir.resolve(name);
                    try {
                        Files.deleteIfExists(gone);
                    } catch (IOException e) {
                        throw new ReconcileException("cannot remove '" + gone + "': " + e.getMessage(), e);
                    }
                    removed.add(name);
                }
            }
        }
        if (!copied.isEmpty() || !removed.isEmpty()) {
            LOG.info("JWT mirror: '{}' -> '{}': copied {}, removed {}", mountDir, resolverDir, copied, removed);
        }
        return new Result(copied, removed, mounted.isEmpty());
    }

    private static void moveAtomically(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of '" + target + "' cannot rename atomically", e);
        }
    }

    /** {@code *.jwt} regular files (links followed: Kubernetes volume entries are links into {@code ..data}). */
    private static Map<String, Path> jwts(Path dir) throws ReconcileException {
        Map<String, Path> found = new TreeMap<>();
        if (!Files.exists(dir)) {
            // A mount not there yet holds nothing; a resolver dir not there yet has nothing to remove.
            return found;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + Directories.JWT_SUFFIX)) {
            for (Path path : stream) {
                if (Files.isRegularFile(path)) {
                    found.put(path.getFileName().toString(), path);
                }
            }
        } catch (IOException e) {
            throw new ReconcileException("cannot read '" + dir + "': " + e, e);
        }
        return found;
    }
}
