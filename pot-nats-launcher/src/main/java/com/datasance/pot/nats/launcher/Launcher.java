package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.process.NatsServerCommand;
import com.datasance.pot.nats.process.NatsServerProcess;
import com.datasance.pot.nats.process.ProcessException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code run} command: DESIGN.md's runtime sequence. Steps 1 (settings) and the binary lookup
 * happen in {@link Main}; here: 2 wait for the config, 5 start nats-server, then the {@link
 * Supervisor} for 9 (stop on SIGTERM/SIGINT) and 10 (exit with nats-server's status).
 *
 * <p>Where later steps plug in: 3 (parse the config) and 4 (mirror the JWT mount) go between the
 * wait and the start, marked below; 6 to 8 (watch and reload, purge reconciliation) are {@link
 * Supervisor.AfterStart} services passed to the constructor.
 */
final class Launcher {

    private static final Duration STILL_WAITING_EVERY = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 50;

    private final LauncherSettings settings;
    private final Path binary;
    private final List<String> args;
    private final List<Supervisor.AfterStart> afterStart;

    Launcher(LauncherSettings settings, Path binary, List<String> args, List<Supervisor.AfterStart> afterStart) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.binary = Objects.requireNonNull(binary, "binary");
        this.args = List.copyOf(args);
        this.afterStart = List.copyOf(afterStart);
    }

    private static Logger log() {
        return LoggerFactory.getLogger(Launcher.class);
    }

    int run() throws InterruptedException {
        if (!awaitConfig()) {
            return Main.CONFIG_MISSING;
        }
        // ---- Steps 3 and 4 (parse the config, mirror NATS_JWT_MOUNT_DIR) plug in here. ----
        // Step 4: nats-server's full resolver reads its directory once at start.
        if (settings.jwtMountDir().isPresent()) {
            PurgeService.mirrorJwtMount(settings);
        }

        NatsServerProcess server;
        try {
            // Started before anything else is loaded: time to ready is the budget that matters.
            server = NatsServerProcess.start(
                    new NatsServerCommand(binary, settings.conf(), settings.monitorPort(), args));
        } catch (ProcessException e) {
            log().error(e.getMessage());
            return Main.BINARY_MISSING;
        }
        Supervisor supervisor = new Supervisor(server, settings.shutdownTimeout(), settings.lameDuck(), afterStart);
        WrapperSignals.install(supervisor);
        // Logged once the handlers are in place (tests wait for this line before signalling).
        // The pid and config only: passthrough arguments may carry a --pass.
        log().info("started nats-server (pid {}) with config '{}'", server.pid(), settings.conf());
        return supervisor.run();
    }

    /** Step 2: true when NATS_CONF exists now or appears within NATS_CONFIG_WAIT. */
    private boolean awaitConfig() throws InterruptedException {
        Path conf = settings.conf();
        if (Files.exists(conf)) {
            return true;
        }
        String wait = GoDuration.format(settings.configWait());
        log().info("waiting up to {} for NATS_CONF '{}' to appear", wait, conf);
        long start = System.nanoTime();
        long deadline = start + settings.configWait().toNanos();
        long nextNotice = start + STILL_WAITING_EVERY.toNanos();
        // Polling, not inotify: this runs once, for at most NATS_CONFIG_WAIT, and the config may
        // arrive through any parent directory (a volume mounted late, a symlink swapped in).
        while (!Files.exists(conf)) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                log().error("NATS_CONF '{}' did not appear within {}", conf, wait);
                return false;
            }
            if (now - nextNotice >= 0) {
                log().info("still waiting for NATS_CONF '{}'", conf);
                nextNotice += STILL_WAITING_EVERY.toNanos();
            }
            Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, (deadline - now) / 1_000_000)));
        }
        log().info("NATS_CONF '{}' appeared", conf);
        return true;
    }
}
