package com.datasance.pot.nats.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * Host directories bind-mounted into a container: podman runs as root here and the container as
 * uid 10000 (or an arbitrary uid), so the tests open up what the container must read or write.
 */
final class ContainerFiles {

    private ContainerFiles() {}

    /** Every directory and file under {@code root} readable (and directories traversable) by all. */
    static void readableByAll(Path root) {
        chmod(root, "rwxr-xr-x", "rw-r--r--");
    }

    /** Every directory and file under {@code root} writable by all (a volume the container writes). */
    static void writableByAll(Path root) {
        chmod(root, "rwxrwxrwx", "rw-rw-rw-");
    }

    private static void chmod(Path root, String dirMode, String fileMode) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                if (Files.isSymbolicLink(path)) {
                    continue;
                }
                Files.setPosixFilePermissions(
                        path, PosixFilePermissions.fromString(Files.isDirectory(path) ? dirMode : fileMode));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot change the modes under " + root, e);
        }
    }
}
