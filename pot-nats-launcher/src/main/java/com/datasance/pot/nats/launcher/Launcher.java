package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.SafeText;
import com.datasance.pot.nats.config.ServerConfig;
import com.datasance.pot.nats.process.NatsServerCommand;
import com.datasance.pot.nats.process.NatsServerProcess;
import com.datasance.pot.nats.process.ProcessException;
import com.datasance.pot.nats.watch.ContentWatcher;
import com.datasance.pot.nats.watch.WatchedPath;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code run} command: DESIGN.md's runtime sequence, read top to bottom in {@link #run}. Step 1
 * (settings) and the binary lookup happen in {@link Main}. Here: the handlers of step 9 go in
 * first; 2 wait for the config ({@link ConfigWait}); 3 parse it; 4 mirror the JWT mount; the
 * watcher's baseline; 5 start nats-server; then the {@link Supervisor} runs 6 to 10 on this
 * thread, with the {@link PurgeService} (8, and the JWT branch of 7) and the {@link ReloadService}
 * (6 and 7) as its after-start services.
 *
 * <p>Each object is built once, by one constructor, when what it needs exists: the supervisor
 * after the server, the services after the supervisor they ask for reloads and restarts, the
 * reload service after the purge service it hands JWT changes to. No service is optional: the
 * purge service decides on each pass, from the config, whether reconciliation is on.
 */
final class Launcher {

    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

    private final LauncherSettings settings;
    private final Path binary;
    private final List<String> args;
    private final Map<String, String> env;

    /** @param env the wrapper's environment, for the config's {@code $VAR}s (nats-server gets the same) */
    Launcher(LauncherSettings settings, Path binary, List<String> args, Map<String, String> env) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.binary = Objects.requireNonNull(binary, "binary");
        this.args = List.copyOf(args);
        this.env = Map.copyOf(env);
    }

    int run() throws InterruptedException {
        // Step 9's handlers go in before anything is started: from here on a SIGTERM or SIGINT is
        // a graceful stop with nats-server's own status, never the JVM's default exit (143) that
        // would leave the stop to the shutdown hook. The supervisor drains this queue later.
        BlockingQueue<Supervisor.Event> events = new LinkedBlockingQueue<>();
        List<String> takenBack = WrapperSignals.install(events);
        if (!takenBack.isEmpty()) {
            LOG.debug("started with {} ignored; handled now, as nats-server handles them", takenBack);
        }
        // No thread of ours dies silently: one that does ends the wrapper with a clear status.
        Thread.setDefaultUncaughtExceptionHandler(new FatalErrors(events));
        // Step 2: a half-written or invalid config never starts a server.
        ConfigWait.Outcome waited;
        try {
            waited = new ConfigWait(settings, binary, env, events).await();
        } catch (ConfigWait.CheckCannotRun e) {
            LOG.error("cannot check NATS_CONF: {}", e.getMessage());
            return Main.BINARY_MISSING;
        }
        switch (waited) {
            case NEVER_VALID, NOT_A_FILE -> {
                return Main.CONFIG_MISSING;
            }
            case BINARY_MISSING -> {
                return Main.BINARY_MISSING;
            }
            case STOP_REQUESTED -> {
                return 0;
            }
            case READY -> {}
        }
        // Step 3 before the start: the watched set comes from the config, and its content is the
        // baseline taken before nats-server reads it, so that a change made while nats-server
        // starts is applied instead of lost. A config we cannot read is logged, not fatal.
        Optional<ServerConfig> config = ReloadService.readConfig(settings.conf(), env);
        // Step 4: nats-server's full resolver reads its directory once at start; the mirror uses
        // the config just read (no second parse) and runs before the baseline is taken.
        PurgeService.mirrorJwtMount(settings, config.flatMap(ServerConfig::systemAccount));
        // The baseline reads every watched file: on its own thread, so that a stop meanwhile (a
        // slow mount, 10,001 JWTs) ends the wrapper at once instead of after the reads.
        List<WatchedPath<ChangeCause>> watched = ReloadService.watched(settings, config);
        Optional<ContentWatcher.Snapshot> taken =
                unlessStopped("reading the watched files", () -> ContentWatcher.snapshot(watched), events);
        if (taken.isEmpty()) {
            return 0;
        }
        ContentWatcher.Snapshot baseline = taken.get();

        // Step 5, with the command the supervisor also restarts nats-server with.
        NatsServerCommand command = new NatsServerCommand(binary, settings.conf(), settings.monitorPort(), args);
        NatsServerProcess server;
        try {
            server = NatsServerProcess.start(command);
        } catch (ProcessException e) {
            LOG.error(e.getMessage());
            return Main.BINARY_MISSING;
        }
        // Tests wait for this line before signalling (the handlers are in place long before).
        // The pid and config only: passthrough arguments may carry a --pass.
        LOG.info(
                "started nats-server (pid {}) with config {}",
                server.pid(),
                SafeText.quote(settings.conf().toString()));
        // Steps 9 and 10: from here on only the supervisor's thread signals, stops or restarts
        // nats-server; the services below ask it to.
        Supervisor supervisor = new Supervisor(
                server,
                () -> NatsServerProcess.start(command),
                settings.shutdownTimeout(),
                settings.lameDuck(),
                events);
        // Step 8 (and, after a JWT change, the purge and claims push of step 7).
        PurgeService purge = new PurgeService(settings, env, supervisor);
        // Steps 6 and 7: the watcher starts from the baseline; JWT changes go to the purge service.
        ReloadService reload =
                new ReloadService(settings, binary, env, config, Optional.of(baseline), purge, supervisor);
        // The purge service first, so that it is closed last: the watcher, closed before it, may
        // still hand it a JWT change until then.
        return supervisor.run(List.of(purge, reload));
    }

    /** How often a wait for a start-up step looks for a stop request. */
    private static final long STOP_POLL_MILLIS = 50;

    /**
     * Runs {@code step} on a daemon thread of its own and waits for it, unless a stop (SIGTERM,
     * SIGINT) comes first: then the thread is interrupted and abandoned (stopping never waits on
     * background work; a read that ignores the interrupt dies with the JVM) and the result is
     * empty. Other events stay queued for the supervisor.
     *
     * @param what the step, for the log line of a stop
     * @throws IllegalStateException when the step failed (its cause attached)
     */
    static <T> Optional<T> unlessStopped(String what, Callable<T> step, BlockingQueue<Supervisor.Event> events)
            throws InterruptedException {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread worker = Thread.ofPlatform()
                .name("pot-nats-start-step")
                .daemon(true)
                .start(() -> {
                    try {
                        result.complete(step.call());
                    } catch (Throwable e) {
                        // Into the future, never to the fatal-error handler: the caller decides.
                        result.completeExceptionally(e);
                    }
                });
        try {
            while (true) {
                Optional<Supervisor.Event.Stop> stop = events.stream()
                        .flatMap(e -> e instanceof Supervisor.Event.Stop s ? Stream.of(s) : Stream.empty())
                        .findFirst();
                if (stop.isPresent()) {
                    worker.interrupt();
                    LOG.info(
                            "{} while {}: nothing started, stopping", stop.get().signal(), what);
                    return Optional.empty();
                }
                try {
                    return Optional.of(result.get(STOP_POLL_MILLIS, TimeUnit.MILLISECONDS));
                } catch (TimeoutException e) {
                    // Look for a stop again.
                } catch (ExecutionException e) {
                    throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
                }
            }
        } catch (InterruptedException e) {
            worker.interrupt();
            throw e;
        }
    }

    /**
     * The handler of errors nothing caught. The watcher restarts its own loop; any other thread of
     * the wrapper ({@code pot-nats-*}) that dies ends the wrapper (exit 1, nats-server stopped
     * gracefully) instead of leaving it half alive. Threads of libraries (jnats) are logged only:
     * their owners reconnect or fail the call that used them.
     */
    private record FatalErrors(BlockingQueue<Supervisor.Event> events) implements Thread.UncaughtExceptionHandler {
        @Override
        public void uncaughtException(Thread thread, Throwable error) {
            String reason = "thread " + SafeText.quote(thread.getName()) + " died: " + error;
            LOG.error(reason, error);
            if (thread.getName().startsWith("pot-nats")) {
                events.add(new Supervisor.Event.Fatal(reason));
            }
        }
    }
}
