package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.ExitStatus;
import com.datasance.pot.nats.api.ServerProcess;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs while nats-server runs (DESIGN.md runtime steps 6 to 10): starts the after-start services,
 * then acts on one event at a time on the calling thread, until nats-server has exited. Signal
 * handlers and the child's exit only enqueue events here; this thread alone signals nats-server,
 * so a reload never races the stop.
 *
 * <p>Returns the exit status for the wrapper: nats-server's own.
 */
final class Supervisor {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    /**
     * A service that runs alongside nats-server once it started (watcher and reloader, purge
     * reconciliation). {@link #start} returns what stops it; the supervisor closes every started
     * service, in reverse order, before it stops nats-server.
     */
    @FunctionalInterface
    interface AfterStart {
        AutoCloseable start(ServerProcess server) throws Exception;
    }

    /** What the supervisor reacts to. */
    sealed interface Event {
        /** A stop request: SIGTERM or SIGINT to the wrapper. */
        record Stop(String reason) implements Event {}

        /** A reload request: SIGHUP to the wrapper. */
        record Reload(String reason) implements Event {}

        /** nats-server exited by itself (or was killed by someone else). */
        record ServerExited(ExitStatus status) implements Event {}
    }

    private final ServerProcess server;
    private final Duration shutdownTimeout;
    private final boolean lameDuck;
    private final List<AfterStart> afterStart;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    Supervisor(ServerProcess server, Duration shutdownTimeout, boolean lameDuck, List<AfterStart> afterStart) {
        this.server = Objects.requireNonNull(server, "server");
        this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        this.lameDuck = lameDuck;
        this.afterStart = List.copyOf(afterStart);
    }

    /** Enqueues an event; safe from any thread, including a signal handler's. Never blocks. */
    void submit(Event event) {
        events.add(event);
    }

    /**
     * Supervises until nats-server exits.
     *
     * @return nats-server's exit status (its code, or 128+n when signal n killed it)
     */
    int run() throws InterruptedException {
        // The returned stage only feeds the queue; nothing waits on it.
        CompletableFuture<Void> _ = server.onExit().thenAccept(status -> submit(new Event.ServerExited(status)));
        Deque<AutoCloseable> services = new ArrayDeque<>();
        try {
            // ---- After-start services: watcher/reload and purge reconciliation plug in here. ----
            for (AfterStart service : afterStart) {
                try {
                    services.push(service.start(server));
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    LOG.error("cannot start {}; stopping nats-server", service, e);
                    closeAll(services);
                    server.stop(shutdownTimeout, false);
                    return 1;
                }
            }
            while (true) {
                Event event = events.take();
                switch (event) {
                    case Event.Reload(String reason) -> {
                        LOG.info("{}: reloading nats-server (pid {})", reason, server.pid());
                        server.reload();
                    }
                    case Event.Stop(String reason) -> {
                        LOG.info(
                                "{}: stopping nats-server (pid {}){}, SIGKILL after {}",
                                reason,
                                server.pid(),
                                lameDuck ? " in lame duck mode" : "",
                                GoDuration.format(shutdownTimeout));
                        closeAll(services);
                        ExitStatus status = server.stop(shutdownTimeout, lameDuck);
                        LOG.info("nats-server stopped: {}", status);
                        return status.code();
                    }
                    case Event.ServerExited(ExitStatus status) -> {
                        // Ctrl-C in a terminal signals the whole process group: nats-server
                        // may exit 0 on its own SIGINT before ours is handled; that is no error.
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
        }
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
}
