package com.datasance.pot.nats.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The outcome of {@code nats-server -t -c CONFIG}: nats-server parses the config (includes, {@code
 * $VAR}s, TLS files) without starting. Run it before every reload: a SIGHUP with an invalid config
 * is rejected by nats-server anyway, but only in its log.
 */
public sealed interface ConfigCheck {

    /** The config is valid. */
    record Valid() implements ConfigCheck {}

    /**
     * The config is invalid.
     *
     * @param error nats-server's error line, usually {@code FILE:LINE:COL: message}
     */
    record Invalid(String error) implements ConfigCheck {
        public Invalid {
            Objects.requireNonNull(error, "error");
        }
    }

    default boolean valid() {
        return this instanceof Valid;
    }

    /**
     * Runs {@code binary -t -c configFile} in the config file's directory with this JVM's
     * environment, and waits at most {@code timeout}.
     *
     * @throws ProcessException when the check cannot run or does not finish in time
     */
    static ConfigCheck run(Path binary, Path configFile, Duration timeout)
            throws ProcessException, InterruptedException {
        NatsServerCommand command =
                new NatsServerCommand(binary, configFile, java.util.OptionalInt.empty(), List.of("-t"));
        Process process;
        try {
            process = new ProcessBuilder(command.argv())
                    .directory(command.workingDirectory().toFile())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new ProcessException("cannot run '" + command.commandLine() + "': " + e.getMessage(), e);
        }
        String output;
        try {
            // The output is a line or two: reading it to the end cannot block on a full pipe.
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new ProcessException("'" + command.commandLine() + "' did not finish within " + timeout);
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw new ProcessException(
                    "cannot read the output of '" + command.commandLine() + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
        if (process.exitValue() == 0) {
            return new Valid();
        }
        return new Invalid(errorLine(output, process.exitValue()));
    }

    /** The last non-blank line, without nats-server's {@code nats-server: } prefix. */
    static String errorLine(String output, int exitValue) {
        List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
        if (lines.isEmpty()) {
            return "nats-server -t exited with status " + exitValue + " and printed nothing";
        }
        String line = lines.getLast().strip();
        return line.startsWith("nats-server: ") ? line.substring("nats-server: ".length()) : line;
    }
}
