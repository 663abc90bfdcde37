package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.config.ServerConfig;
import com.datasance.pot.nats.process.NatsServerCommand;
import com.datasance.pot.nats.process.NatsServerProcess;
import com.datasance.pot.nats.process.ProcessException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * happen in {@link Main}; here: 2 wait for the config, 5 start nats-server, 3 parse the config
 * (after the start: nats-server reads it itself, and time to ready is the budget that matters),
 * 6 and 7 the {@link ReloadService}, then the {@link Supervisor} for restarts, 9 (stop on
 * SIGTERM/SIGINT) and 10 (exit with nats-server's status).
 *
 * <p>Step 4 (mirror the JWT mount) runs between the wait and the start; 8 (purge reconciliation)
 * is the {@link PurgeService} made by the {@link JetStreamWiring}, an after-start service with the
 * supervisor as its {@link RestartRequester} and the reload wiring's {@link JwtChangeHandler}.
 */
final class Launcher {

    private static final Duration STILL_WAITING_EVERY = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 50;

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

    private static Logger log() {
        return LoggerFactory.getLogger(Launcher.class);
    }

    int run() throws InterruptedException {
        // The handlers go in before anything is started: from here on a SIGTERM or SIGINT is a
        // graceful stop with nats-server's own status, never the JVM's default exit (143) that
        // would leave the stop to the shutdown hook.
        BlockingQueue<Supervisor.Event> events = new LinkedBlockingQueue<>();
        WrapperSignals.install(events);
        switch (awaitConfig(events)) {
            case NEVER_APPEARED -> {
                return Main.CONFIG_MISSING;
            }
            case STOP_REQUESTED -> {
                return 0;
            }
            case APPEARED -> {}
        }
        // Step 4: nats-server's full resolver reads its directory once at start.
        if (settings.jwtMountDir().isPresent()) {
            PurgeService.mirrorJwtMount(settings, env);
        }

        NatsServerCommand command = new NatsServerCommand(binary, settings.conf(), settings.monitorPort(), args);
        NatsServerProcess server;
        try {
            // Started before anything else is loaded: time to ready is the budget that matters.
            server = NatsServerProcess.start(command);
        } catch (ProcessException e) {
            log().error(e.getMessage());
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
        log().info("started nats-server (pid {}) with config '{}'", server.pid(), settings.conf());
        // Step 3, while nats-server starts: a config we cannot read is logged, not fatal.
        Optional<ServerConfig> config = ReloadService.readConfig(settings.conf(), env);
        // Step 8 first, so that it is closed last: the watcher, closed before it, may still hand
        // it a JWT change until then.
        JwtChangeHandler jwtHandler = JwtChangeHandler.NONE;
        if (jetStream != null) {
            PurgeService purge = jetStream.create(supervisor);
            supervisor.addService(purge);
            jwtHandler = purge;
        }
        supervisor.addService(new ReloadService(settings, binary, env, config, jwtHandler, supervisor));
        return supervisor.run();
    }

    /** How step 2 ended. */
    private enum ConfigWait {
        APPEARED,
        NEVER_APPEARED,
        /** SIGTERM or SIGINT while waiting: nothing runs yet, so the wrapper just ends (0). */
        STOP_REQUESTED
    }

    /** Step 2: NATS_CONF exists now or appears within NATS_CONFIG_WAIT, unless a stop comes first. */
    private ConfigWait awaitConfig(BlockingQueue<Supervisor.Event> events) throws InterruptedException {
        Path conf = settings.conf();
        if (Files.exists(conf)) {
            return ConfigWait.APPEARED;
        }
        String wait = GoDuration.format(settings.configWait());
        log().info("waiting up to {} for NATS_CONF '{}' to appear", wait, conf);
        long start = System.nanoTime();
        long deadline = start + settings.configWait().toNanos();
        long nextNotice = start + STILL_WAITING_EVERY.toNanos();
        // Polling, not inotify: this runs once, for at most NATS_CONFIG_WAIT, and the config may
        // arrive through any parent directory (a volume mounted late, a symlink swapped in).
        while (!Files.exists(conf)) {
            // A reload asked for before nats-server runs has nothing to reload: dropped.
            for (Supervisor.Event event = events.poll(); event != null; event = events.poll()) {
                if (event instanceof Supervisor.Event.Stop(String reason)) {
                    log().info("{} while waiting for NATS_CONF '{}': nothing started, stopping", reason, conf);
                    return ConfigWait.STOP_REQUESTED;
                }
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                log().error("NATS_CONF '{}' did not appear within {}", conf, wait);
                return ConfigWait.NEVER_APPEARED;
            }
            if (now - nextNotice >= 0) {
                log().info("still waiting for NATS_CONF '{}'", conf);
                nextNotice += STILL_WAITING_EVERY.toNanos();
            }
            Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, (deadline - now) / 1_000_000)));
        }
        log().info("NATS_CONF '{}' appeared", conf);
        return ConfigWait.APPEARED;
    }
}
