package com.datasance.pot.nats.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the nats-server binary the tests run: NATS_SERVER_BIN, else {@code nats-server} on PATH,
 * else {@code /usr/sbin/nats-server}. A missing binary fails the test with the command that
 * installs it; tests that need nats-server never skip.
 */
public final class NatsServerBinary {

    static final String INSTALL_HINT = "install it with 'apt-get install nats-server' (Debian),"
            + " or point NATS_SERVER_BIN at a nats-server binary";

    private NatsServerBinary() {}

    /**
     * The nats-server binary the tests run: NATS_SERVER_BIN when set, else {@code nats-server} on
     * PATH, else {@code /usr/sbin/nats-server}.
     *
     * @return the binary's path
     * @throws AssertionError when none is found, listing every path tried and how to install it
     */
    public static Path require() {
        List<Path> tried = new ArrayList<>();
        Optional<Path> found = find(System.getenv("NATS_SERVER_BIN"), System.getenv("PATH"), tried);
        return found.orElseThrow(() -> new AssertionError(
                "nats-server is needed by this test and was not found (tried " + tried + "); " + INSTALL_HINT));
    }

    static Optional<Path> find(String explicit, String searchPath, List<Path> tried) {
        List<Path> candidates = new ArrayList<>();
        if (explicit != null && !explicit.isBlank()) {
            candidates.add(Path.of(explicit));
        }
        if (searchPath != null) {
            for (String dir : searchPath.split(File.pathSeparator, -1)) {
                if (!dir.isBlank()) {
                    candidates.add(Path.of(dir, "nats-server"));
                }
            }
        }
        candidates.add(Path.of("/usr/sbin/nats-server"));
        for (Path candidate : candidates) {
            tried.add(candidate);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }
}
