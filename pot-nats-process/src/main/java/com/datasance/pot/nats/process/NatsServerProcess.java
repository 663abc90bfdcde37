package com.datasance.pot.nats.process;

import com.datasance.pot.nats.api.ExitStatus;
import com.datasance.pot.nats.api.SafeText;
import com.datasance.pot.nats.api.ServerProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A nats-server child of this JVM. It inherits the JVM's environment unchanged (the config's
 * {@code $VAR} placeholders resolve from it) and its stdin, stdout and stderr (its log lines go
 * straight to the container log, never through the JVM).
 *
 * <p>The child never outlives the JVM on any exit path the JVM sees: a shutdown hook stops it
 * (SIGINT, then SIGKILL after {@value #HOOK_STOP_SECONDS} s) on {@code System.exit}, on the end of
 * {@code main}, on an uncaught exception and on the signals the JVM turns into a shutdown. A SIGKILL
 * of the JVM itself runs no code and leaves the child running; in the image the wrapper is PID 1
 * of the container, and when it dies the kernel kills every other process of its PID namespace.
 *
 * <p>Thread-safe.
 */
public final class NatsServerProcess implements ServerProcess {

    static final int HOOK_STOP_SECONDS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(NatsServerProcess.class);

    private final long pid;
    private final String commandLine;
    private final CompletableFuture<ExitStatus> exit;
    private final Signaller signaller;

    NatsServerProcess(long pid, String commandLine, CompletableFuture<ExitStatus> exit, Signaller signaller) {
        this.pid = pid;
        this.commandLine = Objects.requireNonNull(commandLine, "commandLine");
        this.exit = Objects.requireNonNull(exit, "exit");
        this.signaller = Objects.requireNonNull(signaller, "signaller");
    }

    /**
     * Starts nats-server and returns at once (readiness is the caller's business: nats-server
     * answers {@code /healthz} when it is). Registers the shutdown hook described above.
     *
     * @throws ProcessException when the binary cannot be executed; the message names the command
     */
    public static NatsServerProcess start(NatsServerCommand command) throws ProcessException {
        ProcessBuilder builder = new ProcessBuilder(command.argv())
                .directory(command.workingDirectory().toFile())
                .inheritIO();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ProcessException("cannot start '" + command.commandLine() + "': " + e.getMessage(), e);
        }
        CompletableFuture<ExitStatus> exit = process.onExit().thenApply(done -> exitStatusOf(done.exitValue()));
        NatsServerProcess server = new NatsServerProcess(process.pid(), command.commandLine(), exit, LibC.SIGNALLER);
        server.stopOnJvmExit();
        return server;
    }

    /**
     * Maps {@link Process#exitValue()} to an {@link ExitStatus}. On Linux the JDK reports a child
     * killed by signal n as {@code 0x80 + n} (ProcessHandleImpl's WIFSIGNALED branch), the same
     * number a child that called {@code exit(128 + n)} reports. nats-server (Go) exits only with
     * 0, 1 or 2 by itself, so values 129..192 are read as signals.
     */
    static ExitStatus exitStatusOf(int javaExitValue) {
        if (javaExitValue > 128 && javaExitValue <= 128 + 64) {
            return ExitStatus.killedBy(javaExitValue - 128);
        }
        return ExitStatus.exited(javaExitValue & 0xff);
    }

    private void stopOnJvmExit() {
        Thread hook = Thread.ofPlatform().name("pot-nats-stop-child").unstarted(() -> {
            if (isAlive()) {
                try {
                    stop(Duration.ofSeconds(HOOK_STOP_SECONDS), false);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        // The returned stage only mirrors the exit; nothing waits on it.
        CompletableFuture<ExitStatus> _ = exit.whenComplete((_, _) -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shutdownInProgress) {
                // The hook is running or about to; it finds the child gone and returns.
            }
        });
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public void reload() {
        if (signal(PosixSignal.SIGHUP)) {
            LOG.debug("sent SIGHUP to nats-server (pid {})", pid);
        }
    }

    /**
     * SIGUSR1: nats-server reopens its log file, as log rotation expects.
     *
     * @return false when nats-server has already exited (nothing was sent)
     */
    public boolean reopenLogFile() {
        return signal(PosixSignal.SIGUSR1);
    }

    /**
     * SIGUSR2: nats-server enters lame duck mode (stops accepting clients, evicts the connected
     * ones gradually, then exits by itself).
     *
     * @return false when nats-server has already exited (nothing was sent)
     */
    public boolean enterLameDuckMode() {
        return signal(PosixSignal.SIGUSR2);
    }

    @Override
    public ExitStatus stop(Duration timeout, boolean lameDuck) throws InterruptedException {
        if (timeout.isZero() || timeout.isNegative()) {
            // No grace at all: SIGKILL at once, so that the outcome (128+9) does not depend on
            // whether nats-server happened to exit on a SIGINT within no time.
            if (signal(PosixSignal.SIGKILL)) {
                LOG.info("nats-server (pid {}) stop timeout is 0s: SIGKILL at once", pid);
            }
            return awaitExit();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        if (lameDuck && signal(PosixSignal.SIGUSR2)) {
            // Lame duck mode ends with nats-server exiting by itself after lame_duck_duration; it
            // gets half of the budget, the clean stop below the rest.
            LOG.info("nats-server (pid {}) entering lame duck mode", pid);
            ExitStatus status = awaitExit(Math.max(0, timeout.toNanos() / 2));
            if (status != null) {
                return status;
            }
        }
        if (signal(PosixSignal.SIGINT)) {
            ExitStatus status = awaitExit(Math.max(0, deadline - System.nanoTime()));
            if (status != null) {
                return status;
            }
            LOG.warn(
                    "nats-server (pid {}) still running {} after the stop request; sending SIGKILL",
                    pid,
                    SafeText.duration(timeout));
            signal(PosixSignal.SIGKILL);
        }
        return awaitExit();
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return exit.copy();
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public String toString() {
        return "nats-server pid " + pid + " '" + commandLine + "'";
    }

    /** Sends {@code signal} unless the child is known to have exited; false when it is gone. */
    private boolean signal(PosixSignal signal) {
        // Once the exit future completed the JDK has reaped the child and its pid may be reused:
        // never signal it then. The window between the reap and the future is the JDK's, and tiny.
        if (exit.isDone()) {
            return false;
        }
        return signaller.send(pid, signal);
    }

    /** The exit status, or null when the process still runs after {@code nanos}. */
    private ExitStatus awaitExit(long nanos) throws InterruptedException {
        try {
            return exit.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for " + this + " failed", e.getCause());
        }
    }

    private ExitStatus awaitExit() throws InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for " + this + " failed", e.getCause());
        }
    }
}
