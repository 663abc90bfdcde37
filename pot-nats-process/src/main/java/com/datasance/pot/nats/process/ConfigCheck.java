package com.datasance.pot.nats.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
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

    /**
     * The check did not end within its deadline and was killed: nats-server blocks reading the
     * config (a FIFO it names, a file on a hung mount), so the config is no better than invalid.
     *
     * @param error what happened, naming the command line and the deadline
     */
    record TimedOut(String error) implements ConfigCheck {
        public TimedOut {
            Objects.requireNonNull(error, "error");
        }
    }

    default boolean valid() {
        return this instanceof Valid;
    }

    /**
     * Runs {@code binary -t -c configFile} in the config file's directory with this JVM's
     * environment, and waits at most {@code timeout}: the output is read on a daemon thread into a
     * bounded tail, so no read of the pipe comes before the deadline applies. A
     * check still running at the deadline (it blocks on a FIFO the config names, for one) is
     * killed (SIGKILL). An interrupt kills it too and is rethrown at once: whoever stops the
     * wrapper never waits for a check.
     *
     * @return {@link Valid}, {@link Invalid}, or {@link TimedOut} when the deadline passed
     * @throws ProcessException when the check cannot run (binary missing or not executable)
     */
    static ConfigCheck run(Path binary, Path configFile, Duration timeout)
            throws ProcessException, InterruptedException {
        NatsServerCommand command = new NatsServerCommand(binary, configFile, OptionalInt.empty(), List.of("-t"));
        Process process;
        try {
            process = new ProcessBuilder(command.argv())
                    .directory(command.workingDirectory().toFile())
                    .redirectErrorStream(true)
                    // Never the wrapper's stdin: the check must not read what is not its own.
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new ProcessException("cannot run '" + command.commandLine() + "': " + e.getMessage(), e);
        }
        // The output is drained off-thread into a bounded tail: the deadline below applies however
        // much the check prints, and whether it prints at all.
        OutputTail tail = new OutputTail(process.getInputStream());
        Thread drainer =
                Thread.ofPlatform().name("pot-nats-check-output").daemon(true).start(tail);
        try {
            if (!process.waitFor(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new TimedOut("'" + command.commandLine() + "' did not finish within " + timeout.toMillis()
                        + " ms and was killed; does the config name a FIFO, or a file on a hung mount?");
            }
            // The pipe closes with the process; the bound only guards against a grandchild holding it.
            drainer.join(OutputTail.DRAIN_GRACE);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
        if (process.exitValue() == 0) {
            return new Valid();
        }
        return new Invalid(errorLine(tail.text(), process.exitValue()));
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
