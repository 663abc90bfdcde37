package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.SafeText;
import com.datasance.pot.nats.config.ServerConfig;
import com.datasance.pot.nats.process.NatsServerCommand;
import com.datasance.pot.nats.process.NatsServerProcess;
import com.datasance.pot.nats.process.ProcessException;
import com.datasance.pot.nats.watch.ContentWatcher;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code run} command: DESIGN.md's runtime sequence. Steps 1 (settings) and the binary lookup
 * happen in {@link Main}; here: 2 wait for the config ({@link ConfigWait}), 3 parse the config and
 * digest the watched set, 5 start nats-server, 6 and 7 the {@link ReloadService}, then the {@link Supervisor} for restarts, 9 (stop on
 * SIGTERM/SIGINT) and 10 (exit with nats-server's status).
 *
 * <p>Step 4 (mirror the JWT mount) runs between the wait and the start; 8 (purge reconciliation)
 * is the {@link PurgeService} made by the {@link JetStreamWiring}, an after-start service with the
 * supervisor as its {@link RestartRequester} and the reload wiring's {@link JwtChangeHandler}.
 */
final class Launcher {

    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

    private final LauncherSettings settings;
    private final Path binary;
    private final List<String> args;
    private final Map<String, String> env;
    private final JetStreamWiring jetStream;

    /**
     * The JetStream wiring (purge reconciliation), built once the supervisor exists so that it can
     * ask it for restarts. The service runs after the start and is the reload wiring's {@link
     * JwtChangeHandler}.
     */
    @FunctionalInterface
    interface JetStreamWiring {
        PurgeService create(RestartRequester restart);
    }

    /**
     * @param env the wrapper's environment, for the config's {@code $VAR}s (nats-server gets the same)
     * @param jetStream builds the purge service; {@code null} for none (reload wiring only)
     */
    Launcher(
            LauncherSettings settings,
            Path binary,
            List<String> args,
            Map<String, String> env,
            JetStreamWiring jetStream) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.binary = Objects.requireNonNull(binary, "binary");
        this.args = List.copyOf(args);
        this.env = Map.copyOf(env);
        this.jetStream = jetStream;
    }

    int run() throws InterruptedException {
        // The handlers go in before anything is started: from here on a SIGTERM or SIGINT is a
        // graceful stop with nats-server's own status, never the JVM's default exit (143) that
        // would leave the stop to the shutdown hook.
        BlockingQueue<Supervisor.Event> events = new LinkedBlockingQueue<>();
        WrapperSignals.install(events);
        // No thread of ours dies silently: one that does ends the wrapper with a clear status.
        Thread.setDefaultUncaughtExceptionHandler(new FatalErrors(events));
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
        ContentWatcher.Snapshot baseline = ContentWatcher.snapshot(ReloadService.watched(settings, config));

        NatsServerCommand command = new NatsServerCommand(binary, settings.conf(), settings.monitorPort(), args);
        NatsServerProcess server;
        try {
            server = NatsServerProcess.start(command);
        } catch (ProcessException e) {
            LOG.error(e.getMessage());
            return Main.BINARY_MISSING;
        }
        Supervisor supervisor = new Supervisor(
                server,
                () -> NatsServerProcess.start(command),
                settings.shutdownTimeout(),
                settings.lameDuck(),
                List.of(),
                events);
        // Tests wait for this line before signalling (the handlers are in place long before).
        // The pid and config only: passthrough arguments may carry a --pass.
        LOG.info(
                "started nats-server (pid {}) with config {}",
                server.pid(),
                SafeText.quote(settings.conf().toString()));
        // Step 8 first, so that it is closed last: the watcher, closed before it, may still hand
        // it a JWT change until then.
        JwtChangeHandler jwtHandler = JwtChangeHandler.NONE;
        if (jetStream != null) {
            PurgeService purge = jetStream.create(supervisor);
            supervisor.addService(purge);
            jwtHandler = purge;
        }
        supervisor.addService(
                new ReloadService(settings, binary, env, config, Optional.of(baseline), jwtHandler, supervisor));
        return supervisor.run();
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
