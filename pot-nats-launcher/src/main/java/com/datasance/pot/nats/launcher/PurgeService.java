package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.ChangeSet;
import com.datasance.pot.nats.api.PurgeReport;
import com.datasance.pot.nats.api.ServerProcess;
import com.datasance.pot.nats.config.ConfigException;
import com.datasance.pot.nats.config.NatsConfigReader;
import com.datasance.pot.nats.config.ServerConfig;
import com.datasance.pot.nats.jetstream.JetStreamReconciler;
import com.datasance.pot.nats.jetstream.JwtMountMirror;
import com.datasance.pot.nats.jetstream.PurgeSettings;
import com.datasance.pot.nats.jetstream.ReconcileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JetStream purge reconciliation in the running wrapper (DESIGN.md runtime step 8 and the JWT
 * branch of step 7): a startup pass once nats-server answers, and after each JWT change a pass
 * followed by the claims push. Also mirrors NATS_JWT_MOUNT_DIR into NATS_JWT_DIR (step 4 and
 * before each reload).
 *
 * <p>Every pass reads NATS_CONF again: a reload may have turned operator mode, the resolver or
 * JetStream on or off. All passes run one at a time on one daemon thread ({@value #THREAD}), so a
 * server slow to answer never holds up the watcher; a pass asked for while an equal one still
 * waits its turn is that one. Failures are logged in one line and never end the wrapper.
 */
final class PurgeService implements Supervisor.AfterStart, JwtChangeHandler, AutoCloseable {

    static final String THREAD = "pot-nats-purge";

    /** The CA files looked for, in this order, in NATS_SSL_DIR when NATS_CLIENT_URL is tls://. */
    static final List<String> CA_FILES = List.of("ca.crt", "ca.pem");

    /** Looked up on first use: this class is loaded before nats-server starts (step 4). */
    private static Logger log() {
        return LoggerFactory.getLogger(PurgeService.class);
    }

    /** What a pass is for: the startup pass purges only; a pass after a JWT change pushes claims too. */
    enum Pass {
        STARTUP,
        AFTER_CHANGE
    }

    private final LauncherSettings settings;
    private final Map<String, String> env;
    private final RestartRequester restart;
    private final Object lock = new Object();
    // Guarded by lock; made by the first pass, after nats-server started (nothing on the start path).
    private ExecutorService thread;
    // Guarded by lock: after close() no pass starts.
    private boolean closed;
    // Guarded by lock: the pass queued and not yet started, for each kind.
    private final Map<Pass, CompletableFuture<Optional<PurgeReport>>> queued = new EnumMap<>(Pass.class);
    // Written on the pass thread only: the last "off" reason logged, so that it is logged once.
    private String lastOffReason;

    /**
     * @param env the environment, for {@code $VAR}s of the config and {@code TMPDIR}
     * @param restart asked for a graceful restart after a purge when NATS_RESTART_ON_ACCOUNT_REMOVAL
     */
    PurgeService(LauncherSettings settings, Map<String, String> env, RestartRequester restart) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.env = Map.copyOf(env);
        this.restart = Objects.requireNonNull(restart, "restart");
    }

    /** Queues the startup pass; the reconciler's connect retry waits until nats-server answers. */
    @Override
    public AutoCloseable start(ServerProcess server) {
        CompletableFuture<Optional<PurgeReport>> _ = requestPass(Pass.STARTUP);
        return this;
    }

    /** Brings the resolver directory up to date from the mount before nats-server reloads. */
    @Override
    public void beforeReload(ChangeSet changes) {
        mirrorJwtMount(settings);
    }

    /** Queues a pass and the claims push; returns at once (the pass runs on {@value #THREAD}). */
    @Override
    public void afterReload(ChangeSet changes) {
        CompletableFuture<Optional<PurgeReport>> _ = requestPass(Pass.AFTER_CHANGE);
    }

    /**
     * Queues a pass of {@code kind}, or joins one of that kind that has not started yet (it will
     * read the directories as they are when it runs). Completes with the report, or empty when
     * reconciliation is off or the pass failed (both logged).
     */
    CompletableFuture<Optional<PurgeReport>> requestPass(Pass kind) {
        synchronized (lock) {
            CompletableFuture<Optional<PurgeReport>> waiting = queued.get(kind);
            if (waiting != null) {
                return waiting;
            }
            CompletableFuture<Optional<PurgeReport>> pass = new CompletableFuture<>();
            if (closed) {
                pass.complete(Optional.empty());
                return pass;
            }
            if (thread == null) {
                thread = Executors.newSingleThreadExecutor(
                        Thread.ofPlatform().name(THREAD).daemon(true).factory());
            }
            queued.put(kind, pass);
            try {
                thread.execute(() -> {
                    synchronized (lock) {
                        queued.remove(kind);
                    }
                    pass.complete(runPass(kind));
                });
            } catch (RejectedExecutionException e) {
                queued.remove(kind);
                pass.complete(Optional.empty());
            }
            return pass;
        }
    }

    private Optional<PurgeReport> runPass(Pass kind) {
        try {
            Setup setup = Setup.of(settings, NatsConfigReader.readServerConfig(settings.conf(), env));
            logOffReason(setup.purgeOff().orElse(""));
            if (setup.settings().isEmpty()) {
                return Optional.empty();
            }
            JetStreamReconciler reconciler =
                    JetStreamReconciler.of(setup.settings().get());
            Optional<PurgeReport> report =
                    setup.purgeOff().isEmpty() ? Optional.of(reconciler.reconcile()) : Optional.empty();
            if (kind == Pass.AFTER_CHANGE) {
                var _ = reconciler.pushClaims();
                int purged = report.map(r -> r.purged().size()).orElse(0);
                // nats-server keeps a removed account in memory until it restarts (a SIGHUP does
                // not drop it): only a restart makes the removal take full effect.
                if (purged > 0 && settings.restartOnAccountRemoval()) {
                    restart.requestRestart(purged + " account(s) removed from the resolver were purged"
                            + " (NATS_RESTART_ON_ACCOUNT_REMOVAL=true)");
                }
            }
            return report;
        } catch (ConfigException e) {
            log().warn("JetStream purge pass skipped: cannot read NATS_CONF: {}", e.getMessage());
        } catch (ReconcileException e) {
            log().warn("JetStream purge pass failed: {}", e.getMessage());
        } catch (InterruptedException e) {
            // close(): the wrapper is stopping.
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log().error("JetStream purge pass failed: {}", e.toString());
        }
        return Optional.empty();
    }

    private void logOffReason(String reason) {
        if (!reason.equals(lastOffReason)) { // null at first: the first pass always says
            if (reason.isEmpty()) {
                log().info("JetStream purge reconciliation is on");
            } else {
                log().info("JetStream purge reconciliation is off: {}", reason);
            }
            lastOffReason = reason;
        }
    }

    /** Stops the pass thread; a pass under way is interrupted (it sends nothing more). */
    @Override
    public void close() throws InterruptedException {
        ExecutorService running;
        synchronized (lock) {
            closed = true;
            running = thread;
        }
        if (running == null) {
            return;
        }
        running.shutdownNow();
        if (!running.awaitTermination(5, TimeUnit.SECONDS)) {
            log().warn("JetStream purge pass still running after 5s; leaving it to the JVM's exit");
        }
    }

    @Override
    public String toString() {
        return "JetStream purge reconciliation";
    }

    /**
     * Step 4 and before each reload: copies NATS_JWT_MOUNT_DIR's {@code *.jwt} into NATS_JWT_DIR
     * (atomic renames; an empty mount removes nothing). Does nothing when the variable is unset;
     * a failure is logged and the wrapper goes on with the resolver directory as it is.
     */
    static void mirrorJwtMount(LauncherSettings settings) {
        if (settings.jwtMountDir().isEmpty()) {
            return;
        }
        Path mount = settings.jwtMountDir().get();
        try {
            JwtMountMirror.Result result = JwtMountMirror.mirror(mount, settings.jwtDir());
            if (result.mountEmpty()) {
                log().warn(
                                "NATS_JWT_MOUNT_DIR '{}' holds no JWT; NATS_JWT_DIR '{}' left as it is",
                                mount,
                                settings.jwtDir());
            } else if (result.changed()) {
                log().info(
                                "mirrored NATS_JWT_MOUNT_DIR '{}' into '{}': {} copied, {} removed",
                                mount,
                                settings.jwtDir(),
                                result.copied().size(),
                                result.removed().size());
            }
        } catch (ReconcileException e) {
            log().error("cannot mirror NATS_JWT_MOUNT_DIR: {}", e.getMessage());
        }
    }

    /**
     * What passes do for one config: {@code settings} present when the claims push can run
     * (operator mode, a resolver directory that is NATS_JWT_DIR, a system account, a nats:// or
     * tls:// URL); {@code purgeOff} present, with the reason, when purge passes do nothing.
     */
    record Setup(Optional<PurgeSettings> settings, Optional<String> purgeOff) {

        Setup {
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(purgeOff, "purgeOff");
            if (settings.isEmpty() && purgeOff.isEmpty()) {
                throw new IllegalArgumentException("a purge without settings needs a reason to be off");
            }
        }

        static Setup off(String why) {
            return new Setup(Optional.empty(), Optional.of(why));
        }

        /** From the environment contract and the config as parsed now; default timeouts. */
        static Setup of(LauncherSettings launcher, ServerConfig config) {
            return of(launcher, config, PurgeSettings.DEFAULT_READY_TIMEOUT);
        }

        static Setup of(LauncherSettings launcher, ServerConfig config, Duration readyTimeout) {
            String conf = "NATS_CONF '" + launcher.conf() + "'";
            if (!config.operatorMode()) {
                return off(conf + " does not run in operator mode (no 'operator'); static accounts have no resolver");
            }
            Optional<ServerConfig.Resolver> resolver = config.resolver();
            if (resolver.isEmpty() || resolver.get().dir().isEmpty()) {
                return off(conf + " has no resolver with a directory (resolver type '"
                        + resolver.map(r -> r.type().name().toLowerCase(Locale.ROOT))
                                .orElse("none") + "')");
            }
            Path resolverDir = resolver.get().dir().get();
            // The purge decides from NATS_JWT_DIR: a config whose resolver lives elsewhere would
            // have its live accounts judged against the wrong directory.
            if (!sameDir(resolverDir, launcher.jwtDir())) {
                return off(conf + " keeps its resolver in '" + resolverDir + "', not in NATS_JWT_DIR '"
                        + launcher.jwtDir() + "'");
            }
            if (config.systemAccount().isEmpty()) {
                return off(conf + " names no 'system_account'; the purge never runs without knowing it");
            }
            // LauncherSettings admits only nats:// and tls://, the schemes the purge connects with.
            String scheme = launcher.clientUrl().getScheme().toLowerCase(Locale.ROOT);
            Optional<Path> storeDir = launcher.jetStreamStoreDir().or(config::storeDir);
            PurgeSettings settings;
            try {
                // Without JetStream no pass lists the store: any directory does for the claims push.
                settings = PurgeSettings.operatorMode(
                                storeDir.orElse(launcher.jwtDir()),
                                launcher.jwtDir(),
                                config.systemAccount().get(),
                                launcher.clientUrl().toString())
                        .withTimeouts(
                                PurgeSettings.DEFAULT_REQUEST_TIMEOUT,
                                readyTimeout,
                                PurgeSettings.DEFAULT_REQUEST_ATTEMPTS);
            } catch (IllegalArgumentException e) {
                return off(conf + ": " + e.getMessage());
            }
            if (launcher.sysUserCreds().isPresent()) {
                settings = settings.withCredsFile(launcher.sysUserCreds().get());
            }
            if (scheme.equals("tls")) {
                Optional<Path> ca = caFile(launcher.sslDir());
                if (ca.isPresent()) {
                    settings = settings.withCaFile(ca.get());
                }
            }
            Optional<String> purgeOff =
                    config.jetStreamEnabled() ? Optional.empty() : Optional.of(conf + " does not enable JetStream");
            return new Setup(Optional.of(settings), purgeOff);
        }

        /** {@code ca.crt}, else {@code ca.pem}, in NATS_SSL_DIR; else the JVM's default trust. */
        static Optional<Path> caFile(Path sslDir) {
            return CA_FILES.stream()
                    .map(sslDir::resolve)
                    .filter(Files::isRegularFile)
                    .findFirst();
        }

        private static boolean sameDir(Path a, Path b) {
            if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
                return true;
            }
            try {
                return Files.isSameFile(a, b);
            } catch (IOException e) {
                return false;
            }
        }
    }
}
