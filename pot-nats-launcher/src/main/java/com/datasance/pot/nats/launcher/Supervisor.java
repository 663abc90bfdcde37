package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.ExitStatus;
import com.datasance.pot.nats.api.ServerProcess;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs while nats-server runs (DESIGN.md runtime steps 6 to 10): starts the after-start services,
 * then acts on one event at a time on the calling thread, until nats-server has exited. Signal
 * handlers, the watcher and the child's exit only enqueue events here; this thread alone signals,
 * stops and restarts nats-server, so a reload never races the stop or a restart. One exception,
 * which keeps the rule: a restart hands the stop of the old nats-server to a thread of its own (the
 * only one that signals that process until it exited) so that this thread still sees a stop asked
 * for meanwhile, and then starts no new one.
 *
 * <p>Returns the exit status for the wrapper: nats-server's own.
 */
final class Supervisor implements ServerControl {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    /**
     * A service that runs alongside nats-server once it started (watcher and reloader, purge
     * reconciliation). {@link #start} returns what stops it; the supervisor closes every started
     * service, in reverse order, before it stops nats-server. The server handed over is a view of
     * the current nats-server: it follows restarts.
     */
    @FunctionalInterface
    interface AfterStart {
        AutoCloseable start(ServerProcess server) throws Exception;
    }

    /** Starts another nats-server with the same command, for a restart. */
    @FunctionalInterface
    interface ServerStarter {
        ServerProcess start() throws Exception;
    }

    /** The signals that stop the wrapper, with the numbers Linux gives them. */
    enum StopSignal {
        SIGINT(2),
        SIGTERM(15);

        final int number;

        StopSignal(int number) {
            this.number = number;
        }
    }

    /** What the supervisor reacts to. */
    sealed interface Event {
        /** A stop request: SIGTERM or SIGINT to the wrapper. */
        record Stop(StopSignal signal) implements Event {
            public Stop {
                Objects.requireNonNull(signal, "signal");
            }
        }

        /**
         * A reload request: SIGHUP to the wrapper, or the watcher after a valid change. {@code
         * signalled} completes with the pid that got SIGHUP, or with empty when no server was running.
         */
        record Reload(String reason, CompletableFuture<OptionalLong> signalled) implements Event {
            public Reload {
                Objects.requireNonNull(reason, "reason");
                Objects.requireNonNull(signalled, "signalled");
            }

            public Reload(String reason) {
                this(reason, new CompletableFuture<>());
            }
        }

        /**
         * A graceful restart of nats-server with the same command; the wrapper keeps running.
         * {@code restarted} completes with the new pid, or empty when none started.
         */
        record Restart(String reason, CompletableFuture<OptionalLong> restarted) implements Event {
            public Restart {
                Objects.requireNonNull(reason, "reason");
                Objects.requireNonNull(restarted, "restarted");
            }

            public Restart(String reason) {
                this(reason, new CompletableFuture<>());
            }
        }

        /**
         * A thread of the wrapper died of an error nothing handled: nats-server is stopped
         * gracefully and the wrapper exits 1, rather than run half alive (a watcher or purge that
         * no longer runs while nats-server serves on).
         */
        record Fatal(String reason) implements Event {
            public Fatal {
                Objects.requireNonNull(reason, "reason");
            }
        }

        /** A signal to the wrapper that nats-server gets as is (SIGUSR1, SIGUSR2). */
        record Forward(String reason, ForwardedSignal signal) implements Event {
            public Forward {
                Objects.requireNonNull(reason, "reason");
                Objects.requireNonNull(signal, "signal");
            }
        }

        /** nats-server exited by itself (or was killed by someone else). */
        record ServerExited(ServerProcess process, ExitStatus status) implements Event {}

        /**
         * The stop phase of a restart is over: {@code stopped} holds how the old nats-server
         * ended, or why the stop failed. Only that phase waits for it.
         */
        record RestartStopped(CompletableFuture<ExitStatus> stopped) implements Event {
            public RestartStopped {
                Objects.requireNonNull(stopped, "stopped");
            }
        }
    }

    private final ServerStarter starter;
    private final Duration shutdownTimeout;
    private final boolean lameDuck;
    private final BlockingQueue<Event> events;
    private final CurrentServer current;

    /**
     * The services are not given here but to {@link #run}: they are built after the supervisor,
     * since they ask it for reloads and restarts.
     *
     * @param server the nats-server the launcher started (runtime step 5)
     * @param starter starts its successor with the same command; the supervisor alone calls it, on
     *     a restart
     * @param events the queue this supervisor drains; made before nats-server starts and fed by the
     *     wrapper's signal handlers (a stop that arrived in between is acted on first), the child's
     *     exit and the services' requests
     */
    Supervisor(
            ServerProcess server,
            ServerStarter starter,
            Duration shutdownTimeout,
            boolean lameDuck,
            BlockingQueue<Event> events) {
        this.current = new CurrentServer(Objects.requireNonNull(server, "server"));
        this.starter = Objects.requireNonNull(starter, "starter");
        this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        this.lameDuck = lameDuck;
        this.events = Objects.requireNonNull(events, "events");
    }

    /** Enqueues an event; safe from any thread, including a signal handler's. Never blocks. */
    void submit(Event event) {
        events.add(event);
    }

    @Override
    public void requestRestart(String reason) {
        // The caller does not wait: nothing reads the stage.
        CompletableFuture<OptionalLong> _ = restart(reason);
    }

    @Override
    public CompletableFuture<OptionalLong> restart(String reason) {
        Event.Restart restart = new Event.Restart(reason);
        submit(restart);
        return restart.restarted();
    }

    /**
     * Asks for a SIGHUP on the supervisor thread; the stage completes with the pid signalled, or
     * empty when nats-server had exited or the supervisor stopped first.
     */
    @Override
    public CompletableFuture<OptionalLong> requestReload(String reason) {
        Event.Reload reload = new Event.Reload(reason);
        submit(reload);
        return reload.signalled();
    }

    /** The current nats-server, which changes on a restart. */
    ServerProcess server() {
        return current;
    }

    /**
     * Starts {@code afterStart} in this order, then supervises until nats-server exits.
     *
     * @param afterStart the services, closed in reverse order before nats-server is stopped
     * @return nats-server's exit status (its code, or 128+n when signal n killed it)
     */
    int run(List<AfterStart> afterStart) throws InterruptedException {
        watchExit(current.delegate);
        Deque<AutoCloseable> services = new ArrayDeque<>();
        try {
            for (AfterStart service : afterStart) {
                try {
                    services.push(service.start(current));
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    LOG.error("cannot start {}; stopping nats-server", service, e);
                    closeAll(services);
                    current.delegate.stop(shutdownTimeout, false);
                    return 1;
                }
            }
            while (true) {
                Event event = events.take();
                ServerProcess server = current.delegate;
                switch (event) {
                    case Event.Reload(String reason, CompletableFuture<OptionalLong> signalled) -> {
                        if (server.isAlive()) {
                            LOG.info("{}: reloading nats-server (pid {})", reason, server.pid());
                            server.reload();
                            signalled.complete(OptionalLong.of(server.pid()));
                        } else {
                            signalled.complete(OptionalLong.empty());
                        }
                    }
                    case Event.Forward(String reason, ForwardedSignal signal) -> {
                        if (signal.sendTo(server)) {
                            LOG.info("{}: forwarded {} to nats-server (pid {})", reason, signal, server.pid());
                        } else {
                            LOG.warn("{}: not forwarded, nats-server (pid {}) is not running", reason, server.pid());
                        }
                    }
                    case Event.Restart(String reason, CompletableFuture<OptionalLong> restarted) -> {
                        OptionalInt exit = restart(reason, server, restarted, services);
                        if (exit.isPresent()) {
                            return exit.getAsInt();
                        }
                    }
                    case Event.RestartStopped _ -> {
                        // Only a restart's stop phase produces it, and that phase consumes it.
                    }
                    case Event.Stop(StopSignal signal) -> {
                        LOG.info(
                                "{}: stopping nats-server (pid {}){}, SIGKILL after {}",
                                signal,
                                server.pid(),
                                lameDuck ? " in lame duck mode" : "",
                                GoDuration.format(shutdownTimeout));
                        closeAll(services);
                        ExitStatus status = server.stop(shutdownTimeout, lameDuck);
                        LOG.info("nats-server stopped: {}", status);
                        return exitCodeOfRequestedStop(server, status, lameDuck, signal);
                    }
                    case Event.Fatal(String reason) -> {
                        LOG.error("{}; stopping nats-server (pid {}) and exiting with status 1", reason, server.pid());
                        closeAll(services);
                        ExitStatus status = server.stop(shutdownTimeout, lameDuck);
                        LOG.info("nats-server stopped: {}", status);
                        return 1;
                    }
                    case Event.ServerExited(ServerProcess process, ExitStatus status) -> {
                        if (!Objects.equals(process, server)) {
                            // The process a restart stopped: its exit was expected.
                            continue;
                        }
                        // Ctrl-C in a terminal, systemd and timeout(1) signal the whole process
                        // group: nats-server may exit on its copy before the wrapper's handler has
                        // run. Its exit then belongs to the stop that is about to arrive.
                        Optional<StopSignal> groupStop = status.success() ? Optional.empty() : stopArrivingWith(status);
                        if (groupStop.isPresent()) {
                            LOG.info(
                                    "{}: nats-server (pid {}) had already exited: {}",
                                    groupStop.get(),
                                    server.pid(),
                                    status);
                            return exitCodeOfRequestedStop(server, status, lameDuck, groupStop.get());
                        }
                        if (status.success()) {
                            LOG.info("nats-server (pid {}) exited: {}", server.pid(), status);
                        } else {
                            LOG.error("nats-server (pid {}) exited by itself: {}", server.pid(), status);
                        }
                        return status.code();
                    }
                }
            }
        } finally {
            closeAll(services);
            // Nobody signals after this: callers waiting for a reload learn that none happened.
            for (Event left : events) {
                if (left instanceof Event.Reload reload) {
                    reload.signalled().complete(OptionalLong.empty());
                } else if (left instanceof Event.Restart restart) {
                    restart.restarted().complete(OptionalLong.empty());
                }
            }
        }
    }

    /** SIGINT: what {@link ServerProcess#stop} sends; a nats-server that handles it exits 0. */
    static final int SIGINT = 2;

    /** SIGUSR2: lame duck mode, sent first by a stop when NATS_LAME_DUCK is on. */
    static final int SIGUSR2 = 12;

    /**
     * The wrapper's status for a stop it asked for: nats-server's own, except when nats-server
     * died of the very signal the stop sent it (SIGINT, or SIGUSR2 in lame duck mode). nats-server
     * installs its handlers for these early in {@code main} (at the end of {@code NewServer},
     * before it serves anything); dying of one means it was still starting when the stop came,
     * which happens when a stop follows a (re)start closely. That is the clean stop that was
     * asked for, not a crash: exit 0, never 130. SIGKILL after the timeout stays 137.
     */
    static int exitCodeOfRequestedStop(ServerProcess server, ExitStatus status, boolean lameDuck, StopSignal stop) {
        int signal = status.signal().orElse(0);
        if (signal == SIGINT || (lameDuck && signal == SIGUSR2)) {
            LOG.info(
                    "nats-server (pid {}) was still starting, before its signal handlers, and died of the"
                            + " stop's own signal {}: a clean stop, exit status 0",
                    server.pid(),
                    signal);
            return 0;
        }
        if (stop == StopSignal.SIGTERM && (status.code() == SIGTERM_EXIT_CODE || signal == StopSignal.SIGTERM.number)) {
            LOG.info(
                    "nats-server (pid {}) got the SIGTERM too (sent to the whole process group) and ended on it,"
                            + " as it does on SIGTERM ({}): the stop that was asked for, exit status 0",
                    server.pid(),
                    status);
            return 0;
        }
        return status.code();
    }

    /**
     * nats-server's status after its own SIGTERM handler: a clean shutdown, then {@code
     * os.Exit(1)} (server/signal.go, 2.9 to 2.12).
     */
    static final int SIGTERM_EXIT_CODE = 1;

    /** How long a stop may trail an exit that a signal to the whole process group explains. */
    static final Duration GROUP_SIGNAL_WINDOW = Duration.ofMillis(500);

    /**
     * The stop that arrives within {@link #GROUP_SIGNAL_WINDOW} of an exit a stop signal to the
     * whole group explains (status 1 or death by SIGTERM or SIGINT); other events meanwhile are
     * kept for the loop, which ends anyway. Empty for any other exit, and when no stop comes.
     */
    private Optional<StopSignal> stopArrivingWith(ExitStatus status) throws InterruptedException {
        int signal = status.signal().orElse(0);
        boolean explained = status.code() == SIGTERM_EXIT_CODE
                || signal == StopSignal.SIGTERM.number
                || signal == StopSignal.SIGINT.number;
        if (!explained) {
            return Optional.empty();
        }
        List<Event> passed = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + GROUP_SIGNAL_WINDOW.toNanos();
            for (long left = GROUP_SIGNAL_WINDOW.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                Event next = events.poll(left, TimeUnit.NANOSECONDS);
                if (next instanceof Event.Stop(StopSignal stop)) {
                    return Optional.of(stop);
                }
                if (next != null) {
                    passed.add(next);
                }
            }
            return Optional.empty();
        } finally {
            events.addAll(passed); // answered when the loop ends: no reload or restart waits forever
        }
    }

    /**
     * Stops {@code old} gracefully and starts its successor, unless a stop (SIGTERM, SIGINT) or a
     * fatal error arrives while {@code old} stops: then none starts and the wrapper ends as that
     * stop would have ended it.
     *
     * @return the wrapper's exit status when it must end (that stop, or a successor that cannot
     *     start: 1), empty when the new nats-server runs
     */
    private OptionalInt restart(
            String reason, ServerProcess old, CompletableFuture<OptionalLong> restarted, Deque<AutoCloseable> services)
            throws InterruptedException {
        if (old.isAlive()) {
            LOG.info(
                    "{}: restarting nats-server (pid {}){}, SIGKILL after {}",
                    reason,
                    old.pid(),
                    lameDuck ? " in lame duck mode" : "",
                    GoDuration.format(shutdownTimeout));
            OptionalInt stoppedInstead = stopForRestart(old, restarted, services);
            if (stoppedInstead.isPresent()) {
                return stoppedInstead;
            }
        } else {
            // It exited before the restart was handled: its ServerExited event, still queued
            // behind this one, must not end the wrapper; the new server replaces it.
            LOG.info("{}: nats-server (pid {}) had already exited; starting a new one", reason, old.pid());
        }
        ServerProcess next;
        try {
            next = starter.start();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            LOG.error("cannot restart nats-server: {}", e.getMessage());
            restarted.complete(OptionalLong.empty());
            return OptionalInt.of(1);
        }
        current.delegate = next;
        watchExit(next);
        LOG.info("restarted nats-server (pid {})", next.pid());
        restarted.complete(OptionalLong.of(next.pid()));
        return OptionalInt.empty();
    }

    /**
     * The stop phase of a restart. {@code old} is stopped on a thread of its own, the only one that
     * signals it until it exited, while this thread goes on taking events: a stop (or a fatal
     * error) that arrives meanwhile is seen at once and turns the phase into that stop. It keeps
     * the deadline of the stop under way, which began first with the same NATS_SHUTDOWN_TIMEOUT
     * and so is the sooner one; nats-server gets no second round of signals. Reloads, forwarded
     * signals and restarts that arrive meanwhile are queued again for the new nats-server.
     *
     * @return the wrapper's exit status when a stop or fatal error arrived (no successor may
     *     start), empty when the restart goes on
     */
    private OptionalInt stopForRestart(
            ServerProcess old, CompletableFuture<OptionalLong> restarted, Deque<AutoCloseable> services)
            throws InterruptedException {
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        CompletableFuture<ExitStatus> stopped = new CompletableFuture<>();
        // Nothing escapes the thread: how the stop ended, failure included, comes back as an event.
        CompletableFuture<ExitStatus> _ = stopped.whenComplete((_, _) -> submit(new Event.RestartStopped(stopped)));
        Thread.ofVirtual().name("pot-nats-restart-stop").start(() -> {
            try {
                stopped.complete(old.stop(shutdownTimeout, lameDuck));
            } catch (Throwable e) {
                stopped.completeExceptionally(e);
            }
        });
        Optional<Event> instead = Optional.empty();
        List<Event> forTheNewServer = new ArrayList<>();
        ExitStatus status;
        try {
            phase:
            while (true) {
                Event event = events.take();
                switch (event) {
                    case Event.RestartStopped(CompletableFuture<ExitStatus> done) -> {
                        status = exitOf(old, done);
                        break phase;
                    }
                    case Event.Stop _, Event.Fatal _ -> {
                        // A second one changes nothing: the first one's deadline holds.
                        if (instead.isEmpty()) {
                            instead = Optional.of(event);
                            abandonRestart(event, old, deadline, restarted, services);
                        }
                    }
                    // The old server's exit (the stop's status says how it ended), or an older one's.
                    case Event.ServerExited _ -> {}
                    case Event.Reload _, Event.Forward _, Event.Restart _ -> forTheNewServer.add(event);
                }
            }
        } finally {
            // For the new server; answered with empty if the wrapper ends instead.
            events.addAll(forTheNewServer);
        }
        if (instead.isEmpty() && !status.success()) {
            // A stop signal to the whole group may have ended it before the wrapper's own came.
            Optional<StopSignal> groupStop = stopArrivingWith(status);
            if (groupStop.isPresent()) {
                instead = Optional.of(new Event.Stop(groupStop.get()));
                abandonRestart(instead.get(), old, deadline, restarted, services);
            }
        }
        if (instead.isEmpty()) {
            LOG.info("nats-server (pid {}) stopped for the restart: {}", old.pid(), status);
            return OptionalInt.empty();
        }
        LOG.info("nats-server stopped: {}", status);
        return instead.get() instanceof Event.Stop(StopSignal signal)
                ? OptionalInt.of(exitCodeOfRequestedStop(old, status, lameDuck, signal))
                : OptionalInt.of(1);
    }

    /**
     * A stop or fatal error came during the restart's stop phase: no new server will start. The
     * caller of the restart learns it, and the services stop now, as for any stop.
     */
    private void abandonRestart(
            Event ending,
            ServerProcess old,
            long deadline,
            CompletableFuture<OptionalLong> restarted,
            Deque<AutoCloseable> services) {
        switch (ending) {
            case Event.Fatal(String reason) ->
                LOG.error(
                        "{} during the restart: no new nats-server; exiting with status 1 once nats-server (pid {})"
                                + " stopped",
                        reason,
                        old.pid());
            case Event.Stop(StopSignal signal) ->
                LOG.info(
                        "{} during the restart: no new nats-server; nats-server (pid {}) is already stopping,"
                                + " SIGKILL in {} at the latest",
                        signal,
                        old.pid(),
                        GoDuration.format(left(deadline)));
            default -> throw new IllegalArgumentException("not a stop: " + ending);
        }
        restarted.complete(OptionalLong.empty());
        closeAll(services);
    }

    private static Duration left(long deadlineNanos) {
        return Duration.ofMillis(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
    }

    /** How the restart's stop ended; its failure is the supervisor's, as when it stopped in line. */
    private static ExitStatus exitOf(ServerProcess old, CompletableFuture<ExitStatus> stopped)
            throws InterruptedException {
        try {
            return stopped.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "stopping nats-server (pid " + old.pid() + ") for the restart failed", e.getCause());
        }
    }

    private void watchExit(ServerProcess process) {
        // The returned stage only feeds the queue; nothing waits on it.
        CompletableFuture<Void> _ =
                process.onExit().thenAccept(status -> submit(new Event.ServerExited(process, status)));
    }

    private static void closeAll(Deque<AutoCloseable> services) {
        while (!services.isEmpty()) {
            AutoCloseable service = services.pop();
            try {
                service.close();
            } catch (Exception e) {
                LOG.warn("cannot stop {}", service, e);
            }
        }
    }

    /**
     * The nats-server that runs now, for the services: reads follow restarts. Only the supervisor
     * thread assigns it.
     */
    private static final class CurrentServer implements ServerProcess {
        volatile ServerProcess delegate;

        CurrentServer(ServerProcess delegate) {
            this.delegate = delegate;
        }

        @Override
        public long pid() {
            return delegate.pid();
        }

        @Override
        public void reload() {
            delegate.reload();
        }

        @Override
        public ExitStatus stop(Duration timeout, boolean lameDuck) throws InterruptedException {
            return delegate.stop(timeout, lameDuck);
        }

        @Override
        public CompletableFuture<ExitStatus> onExit() {
            return delegate.onExit();
        }

        @Override
        public boolean isAlive() {
            return delegate.isAlive();
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}
