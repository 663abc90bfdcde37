package com.datasance.pot.nats.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A command run by a test as a child process (the pot-nats wrapper, a script, a tool): started
 * with an environment, arguments and a working directory; its stdout and stderr, merged as a
 * terminal shows them, are read by a daemon thread into a bounded tail that the test waits on and
 * reads. {@link #close()} kills it and every descendant it started, so a try-with-resources leaves
 * nothing running on any path, a failed assertion included.
 *
 * <p>Every wait has a deadline and fails with an {@link AssertionError} that names the command
 * line (never the environment, which may carry secrets) and quotes the output tail. Thread-safe:
 * the output may be read while another thread waits.
 */
public final class ChildProcess implements AutoCloseable {

    /** The signals a test sends, by their {@code kill -s} names. */
    public enum Signal {
        /** Reload (nats-server and pot-nats). */
        HUP,
        /** Interrupt, what Ctrl-C sends: a graceful stop. */
        INT,
        /** Quit: nats-server stops at once. */
        QUIT,
        /** Terminate, what a container runtime sends first: a graceful stop. */
        TERM,
        /** Kill: cannot be caught. */
        KILL,
        /** User signal 1: nats-server reopens its log file. */
        USR1,
        /** User signal 2: nats-server enters lame duck mode. */
        USR2
    }

    /**
     * How long output may still arrive after the process exited (from a descendant that inherited
     * the pipe) before a wait treats what it has as all there is.
     */
    private static final Duration DRAIN = Duration.ofSeconds(2);

    private static final Duration KILL_COMMAND = Duration.ofSeconds(10);
    private static final Duration REAP = Duration.ofSeconds(10);

    private final List<String> command;
    private final Process process;
    private final Thread reader;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final byte[] tail;
    private int length;
    private long dropped;
    private boolean endOfOutput;
    private long exitedAt;
    private boolean exited;
    private boolean closed;

    private ChildProcess(List<String> command, Process process, int outputLimit) {
        this.command = command;
        this.process = process;
        this.tail = new byte[outputLimit];
        this.reader = new Thread(this::readOutput, "child-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        // Wakes a waiting awaitOutput when the process exits; the future needs no other use.
        var unused = process.onExit().thenRun(this::markExited);
    }

    /**
     * A builder for {@code command}.
     *
     * @param command the program and its arguments; at least the program
     * @return a new builder
     * @throws IllegalArgumentException when {@code command} is empty
     */
    public static Builder builder(List<String> command) {
        return new Builder(command);
    }

    /**
     * The command line as started.
     *
     * @return the program and its arguments, unmodifiable
     */
    public List<String> command() {
        return command;
    }

    /**
     * The process id.
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * The process's handle, e.g. to find its children.
     *
     * @return the handle
     */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /**
     * Whether the process still runs.
     *
     * @return true while it runs
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * The output tail so far, decoded as UTF-8. When more than the builder's {@link
     * Builder#outputLimit(int) output limit} arrived, the first line says how many bytes were
     * dropped from the start.
     *
     * @return the output so far, empty when there is none
     */
    public String output() {
        lock.lock();
        try {
            String text = new String(tail, 0, length, StandardCharsets.UTF_8);
            return dropped == 0 ? text : "[" + dropped + " bytes of earlier output dropped]\n" + text;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the output contains {@code text} and returns the line that holds it (the first
     * such line; the last line may still be incomplete).
     *
     * @param text the text to wait for, matched literally within one line
     * @param timeout how long to wait at most
     * @return the first line that contains {@code text}, without its line break
     * @throws AssertionError when the process exits (or closes its output) without printing it,
     *     or {@code timeout} passes first; the message quotes the output
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public String awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                Optional<String> line = lineWith(text);
                if (line.isPresent()) {
                    return line.get();
                }
                if (endOfOutput) {
                    throw failure("ended its output without printing '" + text + "'");
                }
                long until = exited ? Math.min(deadline, exitedAt + DRAIN.toNanos()) : deadline;
                long remaining = until - System.nanoTime();
                if (remaining <= 0) {
                    throw failure(
                            exited
                                    ? "exited without printing '" + text + "'"
                                    : "did not print '" + text + "' within " + timeout);
                }
                changed.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the process exits and its output is read to the end, and returns its exit
     * status (128+N when it died of signal N).
     *
     * @param timeout how long to wait for the exit at most; reading the rest of the output may
     *     take up to 2 seconds more
     * @return the exit status
     * @throws AssertionError when it still runs after {@code timeout}; the message quotes the output
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw failure("still runs after " + timeout);
        }
        markExited();
        long until = System.nanoTime() + DRAIN.toNanos();
        lock.lock();
        try {
            // A descendant that inherited the pipe may hold it open: wait for it a moment only.
            long remaining = until - System.nanoTime();
            while (!endOfOutput && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
        return process.exitValue();
    }

    /**
     * Sends {@code signal} to the process with {@code kill -s NAME PID} (the JDK sends only TERM
     * and KILL).
     *
     * @param signal the signal to send
     * @throws AssertionError when {@code kill} fails (the process is gone) or does not finish
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public void signal(Signal signal) throws InterruptedException {
        List<String> kill = List.of("kill", "-s", signal.name(), Long.toString(process.pid()));
        Process sender;
        try {
            sender = new ProcessBuilder(kill).inheritIO().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + kill, e);
        }
        try {
            if (!sender.waitFor(KILL_COMMAND.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new AssertionError(kill + " did not finish within " + KILL_COMMAND);
            }
            if (sender.exitValue() != 0) {
                throw failure(kill + " failed with exit status " + sender.exitValue());
            }
        } finally {
            sender.destroyForcibly();
        }
    }

    /**
     * Kills the process and every descendant it started (SIGKILL), waits a bounded time for it to
     * be reaped; idempotent. The output stays readable.
     */
    @Override
    public void close() throws InterruptedException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        // Listed before the kill: once the process is gone its children are re-parented to init.
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        process.waitFor(REAP.toNanos(), TimeUnit.NANOSECONDS);
        descendants.forEach(ProcessHandle::destroyForcibly);
        // The reader ends at the end of the output; it is a daemon, so an orphan that still holds
        // the pipe costs a parked thread, never a wait here beyond the drain time.
        reader.join(DRAIN.toMillis());
    }

    private Optional<String> lineWith(String text) {
        String output = output();
        int at = output.indexOf(text);
        if (at < 0) {
            return Optional.empty();
        }
        int start = output.lastIndexOf('\n', at) + 1;
        int end = output.indexOf('\n', at + text.length());
        return Optional.of(output.substring(start, end < 0 ? output.length() : end));
    }

    private AssertionError failure(String what) {
        return new AssertionError(command + " (pid " + process.pid() + ") " + what + "; output:\n" + output());
    }

    private void markExited() {
        lock.lock();
        try {
            if (!exited) {
                exited = true;
                exitedAt = System.nanoTime();
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void readOutput() {
        byte[] buffer = new byte[8192];
        try (InputStream in = process.getInputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                append(buffer, n);
            }
        } catch (IOException e) {
            // Seen as the end of the output, and said in it, so a test that waits learns why.
            byte[] note = ("\n[output read failed: " + e + "]\n").getBytes(StandardCharsets.UTF_8);
            append(note, note.length);
        } finally {
            lock.lock();
            try {
                endOfOutput = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void append(byte[] bytes, int n) {
        lock.lock();
        try {
            int keep = Math.min(n, tail.length);
            int overflow = length + keep - tail.length;
            if (overflow > 0) {
                System.arraycopy(tail, overflow, tail, 0, length - overflow);
                length -= overflow;
                dropped += overflow;
            }
            dropped += n - keep;
            System.arraycopy(bytes, n - keep, tail, length, keep);
            length += keep;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Describes a child process to start. The inherited environment is kept, except variables
     * whose names start with a prefix given to {@link #withoutInherited(String)}; {@link
     * #environment(Map)} then adds or replaces variables. Not thread-safe.
     */
    public static final class Builder {

        private static final int DEFAULT_OUTPUT_LIMIT = 4 * 1024 * 1024;

        private final List<String> command;
        private final List<String> droppedPrefixes = new ArrayList<>();
        private final Map<String, String> environment = new HashMap<>();
        private Optional<Path> directory = Optional.empty();
        private int outputLimit = DEFAULT_OUTPUT_LIMIT;

        private Builder(List<String> command) {
            if (command.isEmpty()) {
                throw new IllegalArgumentException("a command needs at least the program");
            }
            this.command = List.copyOf(command);
        }

        /**
         * The working directory; default: the test's own.
         *
         * @param directory the child's working directory
         * @return this builder
         */
        public Builder directory(Path directory) {
            this.directory = Optional.of(directory);
            return this;
        }

        /**
         * Adds (or replaces) these variables in the child's environment; they win over inherited
         * ones and over {@link #withoutInherited(String)}.
         *
         * @param variables variable names and values
         * @return this builder
         */
        public Builder environment(Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        /**
         * Leaves out every inherited variable whose name starts with {@code prefix}, so that the
         * test runner's own environment cannot leak into the case (e.g. {@code NATS_}).
         *
         * @param prefix a non-empty name prefix, case-sensitive
         * @return this builder
         * @throws IllegalArgumentException when {@code prefix} is empty
         */
        public Builder withoutInherited(String prefix) {
            if (prefix.isEmpty()) {
                throw new IllegalArgumentException("an empty prefix would drop the whole environment");
            }
            droppedPrefixes.add(prefix);
            return this;
        }

        /**
         * How many bytes of output are kept (the last ones); default 4 MiB. Earlier output is
         * dropped and counted.
         *
         * @param bytes how many bytes of the output tail to keep, positive
         * @return this builder
         * @throws IllegalArgumentException when {@code bytes} is not positive
         */
        public Builder outputLimit(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("output limit must be positive, found " + bytes);
            }
            this.outputLimit = bytes;
            return this;
        }

        /**
         * Starts the process and its output reader.
         *
         * @return the running process, the caller's to close
         * @throws UncheckedIOException when the program cannot be started (names the command line)
         */
        public ChildProcess start() {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            directory.ifPresent(dir -> builder.directory(dir.toFile()));
            builder.environment()
                    .keySet()
                    .removeIf(name -> droppedPrefixes.stream().anyMatch(name::startsWith));
            builder.environment().putAll(environment);
            try {
                return new ChildProcess(command, builder.start(), outputLimit);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot start " + command
                                + directory.map(dir -> " in " + dir).orElse(""),
                        e);
            }
        }
    }
}
