package com.datasance.pot.nats.docker;

import com.datasance.pot.nats.testkit.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs short commands to completion with the testkit's {@link ChildProcess}: output read
 * off-thread (no pipe can fill up), a deadline, and the process killed on every path.
 */
final class Commands {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    record Result(int exitCode, String output) {}

    private Commands() {}

    /** Runs {@code command}; fails with its output when it does not finish within 120 s. */
    static Result run(List<String> command, Path workDir, Map<String, String> environment) {
        try (ChildProcess process = ChildProcess.builder(command)
                .directory(workDir)
                .environment(environment)
                .start()) {
            int status = process.awaitExit(TIMEOUT);
            return new Result(status, process.output());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
