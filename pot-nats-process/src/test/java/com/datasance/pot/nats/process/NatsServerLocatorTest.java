package com.datasance.pot.nats.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NatsServerLocatorTest {

    private static Path executable(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void shouldUseOnlyTheExplicitPathWhenGiven(@TempDir Path dir) throws Exception {
        Path onPath = executable(dir.resolve("bin/nats-server"));
        ProcessException error = assertThrows(
                ProcessException.class,
                () -> NatsServerLocator.locate(
                        Optional.of(dir.resolve("missing")),
                        onPath,
                        Optional.of(dir.resolve("bin").toString())));
        assertEquals(
                "no executable nats-server binary; tried '" + dir.resolve("missing") + "' (missing)",
                error.getMessage());
    }

    @Test
    void shouldPreferTheDefaultPath(@TempDir Path dir) throws Exception {
        Path image = executable(dir.resolve("home/nats-server"));
        executable(dir.resolve("bin/nats-server"));
        assertEquals(
                image,
                NatsServerLocator.locate(
                        Optional.empty(), image, Optional.of(dir.resolve("bin").toString())));
    }

    @Test
    void shouldFallBackToSearchPath(@TempDir Path dir) throws Exception {
        Path onPath = executable(dir.resolve("bin/nats-server"));
        assertEquals(
                onPath,
                NatsServerLocator.locate(
                        Optional.empty(), dir.resolve("missing"), Optional.of("/nonexistent:" + dir.resolve("bin"))));
    }

    @Test
    void shouldRejectNonExecutableAndNameEveryPathTried(@TempDir Path dir) throws Exception {
        Path plain = dir.resolve("plain");
        Files.writeString(plain, "not a program");
        ProcessException error = assertThrows(
                ProcessException.class, () -> NatsServerLocator.locate(Optional.of(plain), plain, Optional.empty()));
        assertTrue(error.getMessage().contains("'" + plain + "' (not an executable file)"), error.getMessage());
    }

    @Test
    void shouldTryDebianPathLast(@TempDir Path dir) {
        try {
            Path found = NatsServerLocator.locate(Optional.empty(), dir.resolve("a"), Optional.of(dir.toString()));
            assertEquals(NatsServerLocator.DEBIAN_PATH, found);
        } catch (ProcessException e) {
            assertTrue(e.getMessage().endsWith("'" + NatsServerLocator.DEBIAN_PATH + "' (missing)"), e.getMessage());
        }
    }
}
