package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.SafeText;
import com.datasance.pot.nats.api.ServerFacts;
import com.datasance.pot.nats.api.ServerProcess;
import com.datasance.pot.nats.config.ConfigException;
import com.datasance.pot.nats.config.NatsConfigReader;
import com.datasance.pot.nats.config.ServerConfig;
import com.datasance.pot.nats.jetstream.JetStreamReconciler;
import com.datasance.pot.nats.jetstream.JwtMountMirror;
import com.datasance.pot.nats.jetstream.PurgeReport;
import com.datasance.pot.nats.jetstream.PurgeSettings;
import com.datasance.pot.nats.jetstream.PurgeSetup;
import com.datasance.pot.nats.jetstream.ReconcileException;
import com.datasance.pot.nats.watch.ChangeSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
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
 * JetStream on or off. Each request runs on a daemon thread ({@value #THREAD}), so a server slow
 * to answer never holds up the watcher; the library's {@link JetStreamReconciler} serialises the
 * passes and merges the requests made during one into one follow-up pass (the same for claims
 * pushes), so there is one merging mechanism, not a queue here beside it. Failures are logged in
 * one line and never end the wrapper.
 */
final class PurgeService implements Supervisor.AfterStart, JwtChangeHandler, AutoCloseable {

    static final String THREAD = "pot-nats-purge";

    /** The CA files looked for, in this order, in NATS_SSL_DIR when NATS_CLIENT_URL is tls://. */
    static final List<String> CA_FILES = List.of("ca.crt", "ca.pem");

    /** Looked up on first use: this class is loaded before nats-server starts (step 4). */
    private static Logger log() {
        return LoggerFactory.getLogger(PurgeService.class);
    }

    /**
     * What a pass is for: the startup pass checks the connection and purges; a pass after a JWT
     * change purges and then queues the claims push; a due pass runs when an account's grace
     * period ends.
     */
    enum Pass {
        STARTUP,
        AFTER_CHANGE,
        DUE
    }

    /** After nats-server answers on its monitoring port, how long the purge connection may take. */
    static final Duration READY_AFTER_ANSWER = Duration.ofSeconds(5);

    /** The first wait before a pass that found nothing listening at NATS_CLIENT_URL runs again. */
    static final Duration FIRST_NOT_READY_RETRY = Duration.ofSeconds(1);

    /** The longest wait between two such passes (the wait doubles up to it). */
    static final Duration LAST_NOT_READY_RETRY = Duration.ofSeconds(60);

    /** After this long with nothing listening, the settings may be wrong: said once, at ERR. */
    static final Duration NOT_READY_FOR_LONG = Duration.ofMinutes(10);

    private final LauncherSettings settings;
    private final Map<String, String> env;
    private final RestartRequester restart;
    private final Object lock = new Object();
    // Guarded by lock; made by the first pass, after nats-server started (nothing on the start path).
    // One thread per request: the requests wait inside the library, which merges them.
    private ExecutorService threads;
    // Guarded by lock; fires the pass due when a grace period ends.
    private ScheduledExecutorService timer;
    // Guarded by lock: after close() no pass starts.
    private boolean closed;
    // Guarded by lock: the last claims push requested (tests wait for it).
    private CompletableFuture<Void> lastPush = CompletableFuture.completedFuture(null);
    // Guarded by lock: the pass scheduled for when the next grace period ends.
    private ScheduledFuture<?> duePass;
    // Guarded by lock: the last "off" reason logged, so that it is logged once.
    private String lastOffReason;
    // Guarded by lock: the last settings error logged (empty: none), so that it is logged once.
    private String lastSetupError = "";
    // Guarded by lock: keeps the grace periods under way and the pushed digests (its copies share them).
    private JetStreamReconciler reconciler;
    // Guarded by lock: the report a restart was last asked for; merged requests share one report.
    private PurgeReport restartedFor;
    // Guarded by lock: the passes that found nothing listening at NATS_CLIENT_URL and run again
    // when retryPass fires; since when, the next wait, and whether the long wait was reported.
    private final java.util.EnumSet<Pass> notReadyPasses = java.util.EnumSet.noneOf(Pass.class);
    private ScheduledFuture<?> retryPass;
    private Instant notReadySince;
    private Duration notReadyWait = FIRST_NOT_READY_RETRY;
    private boolean notReadyForLongLogged;
    // The supervised nats-server (a view that follows restarts); null until start().
    private volatile ServerProcess server;
    private final Duration readyTimeout;

    /**
     * @param env the environment, for {@code $VAR}s of the config and {@code TMPDIR}
     * @param restart asked for a graceful restart after a purge when NATS_RESTART_ON_ACCOUNT_REMOVAL
     */
    PurgeService(LauncherSettings settings, Map<String, String> env, RestartRequester restart) {
        this(settings, env, restart, PurgeSettings.DEFAULT_READY_TIMEOUT);
    }

    /** @param readyTimeout how long a pass waits for a connection when no monitoring port answered (tests) */
    PurgeService(LauncherSettings settings, Map<String, String> env, RestartRequester restart, Duration readyTimeout) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.env = Map.copyOf(env);
        this.restart = Objects.requireNonNull(restart, "restart");
        this.readyTimeout = Objects.requireNonNull(readyTimeout, "readyTimeout");
    }

    /** Queues the startup pass; it waits until nats-server answers, checks the connection, purges. */
    @Override
    public AutoCloseable start(ServerProcess server) {
        this.server = server;
        CompletableFuture<Optional<PurgeReport>> _ = requestPass(Pass.STARTUP);
        return this;
    }

    /** Brings the resolver directory up to date from the mount before nats-server reloads. */
    @Override
    public void beforeReload(ChangeSet<ChangeCause> changes) {
        mirrorJwtMount(settings, systemAccount(settings, env));
    }

    /** Queues a pass and the claims push; returns at once (the pass runs on {@value #THREAD}). */
    @Override
    public void afterReload(ChangeSet<ChangeCause> changes) {
        CompletableFuture<Optional<PurgeReport>> _ = requestPass(Pass.AFTER_CHANGE);
    }

    /**
     * Runs a pass of {@code kind} on its own thread; the library joins it to the follow-up pass
     * when one is under way. Completes with the report, or empty when reconciliation is off or the
     * pass failed (both logged).
     */
    CompletableFuture<Optional<PurgeReport>> requestPass(Pass kind) {
        CompletableFuture<Optional<PurgeReport>> pass = new CompletableFuture<>();
        synchronized (lock) {
            if (closed) {
                pass.complete(Optional.empty());
                return pass;
            }
            try {
                threads().execute(() -> {
                    Optional<PurgeReport> result = Optional.empty();
                    try {
                        result = runPass(kind);
                    } finally {
                        // Scheduled before the pass completes: whoever waits for it sees the next.
                        try {
                            scheduleDuePass();
                        } finally {
                            pass.complete(result);
                        }
                    }
                });
            } catch (RejectedExecutionException e) {
                pass.complete(Optional.empty());
            }
        }
        return pass;
    }

    // Guarded by lock.
    private ExecutorService threads() {
        if (threads == null) {
            threads = Executors.newCachedThreadPool(
                    Thread.ofPlatform().name(THREAD).daemon(true).factory());
        }
        return threads;
    }

    /** When an account waits out its grace period, a pass runs when it is due (no change needed). */
    private void scheduleDuePass() {
        synchronized (lock) {
            Optional<Instant> due = reconciler == null ? Optional.empty() : reconciler.nextDue();
            if (duePass != null) {
                duePass.cancel(false);
                duePass = null;
            }
            if (closed || due.isEmpty()) {
                return;
            }
            // A little after the due time, so that the pass sees the grace period over.
            long delay = Math.max(0, Duration.between(Instant.now(), due.get()).toMillis()) + 50;
            try {
                duePass = timer().schedule(
                                () -> {
                                    CompletableFuture<Optional<PurgeReport>> _ = requestPass(Pass.DUE);
                                },
                                delay,
                                TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                duePass = null;
            }
        }
    }

    // Guarded by lock.
    private ScheduledExecutorService timer() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name(THREAD + "-due").daemon(true).factory());
        }
        return timer;
    }

    /**
     * Nothing listened at NATS_CLIENT_URL during a {@code kind} pass: nats-server may still be
     * starting (2.9.10 answers /varz long before it opens the client port while it fetches the
     * JWTs of removed accounts). The pass runs again after a wait doubling from 1 s to 60 s, until
     * it connects or the wrapper stops (close() cancels the wait); said once at WARN, and once at
     * ERR after 10 minutes (the URL may then be wrong). Decided on the exception's kind.
     */
    private void notReady(Pass kind, ReconcileException e) {
        String url = "'" + SafeText.redactUrl(settings.clientUrl().toString()) + "'";
        ServerProcess running = server;
        boolean first;
        boolean forLong = false;
        Duration wait;
        Duration waited;
        synchronized (lock) {
            if (closed) {
                return;
            }
            notReadyPasses.add(kind);
            if (retryPass != null && !retryPass.isDone()) {
                return; // a pass failing beside the one that scheduled the retry joins it
            }
            Instant now = Instant.now();
            first = notReadySince == null;
            if (first) {
                notReadySince = now;
                notReadyWait = FIRST_NOT_READY_RETRY;
            }
            waited = Duration.between(notReadySince, now);
            if (!notReadyForLongLogged && waited.compareTo(NOT_READY_FOR_LONG) >= 0) {
                notReadyForLongLogged = true;
                forLong = true;
            }
            wait = notReadyWait;
            notReadyWait = min(notReadyWait.multipliedBy(2), LAST_NOT_READY_RETRY);
            try {
                retryPass = timer().schedule(this::retryNotReady, wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                return;
            }
        }
        log().debug("JetStream purge pass ({}): {}", kind, e.getMessage());
        String who = running == null
                ? "nats-server"
                : running.isAlive()
                        ? "nats-server (pid " + running.pid() + ")"
                        : "nats-server (pid " + running.pid() + ", not running now)";
        if (first) {
            log().warn(
                            "JetStream purge: {} does not accept connections at {} yet; the pass runs again in {},"
                                    + " then every {} at most",
                            who,
                            url,
                            SafeText.duration(wait),
                            SafeText.duration(LAST_NOT_READY_RETRY));
        } else if (forLong) {
            log().error(
                            "JetStream purge: nothing has accepted a connection at {} for {} while {} runs:"
                                    + " NATS_CLIENT_URL may not match the server's 'listen'/'port'; still retrying every {}",
                            url,
                            SafeText.duration(waited.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)),
                            who,
                            SafeText.duration(wait));
        }
    }

    /** The passes that found nothing listening run again (each kind once). */
    private void retryNotReady() {
        List<Pass> again;
        synchronized (lock) {
            again = List.copyOf(notReadyPasses);
            notReadyPasses.clear();
            retryPass = null;
        }
        for (Pass kind : again) {
            CompletableFuture<Optional<PurgeReport>> _ = requestPass(kind);
        }
    }

    /** A pass got past connecting (or had no need to): a later refusal is news again. */
    private void readyAgain() {
        Duration waited;
        synchronized (lock) {
            if (notReadySince == null || !notReadyPasses.isEmpty() || (retryPass != null && !retryPass.isDone())) {
                return; // a retry is still due: it settles the state
            }
            waited = Duration.between(notReadySince, Instant.now());
            notReadySince = null;
            notReadyWait = FIRST_NOT_READY_RETRY;
            notReadyForLongLogged = false;
        }
        log().info(
                        "JetStream purge: nats-server accepts connections at {} now, after {}",
                        "'" + SafeText.redactUrl(settings.clientUrl().toString()) + "'",
                        SafeText.duration(waited.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** True while a pass that found nothing listening waits to run again (tests). */
    boolean notReadyRetryPending() {
        synchronized (lock) {
            return !closed && retryPass != null && !retryPass.isDone();
        }
    }

    /** How long until the pass scheduled for the next due account runs; empty when none is (tests). */
    Optional<Duration> nextDuePassIn() {
        synchronized (lock) {
            return duePass == null || duePass.isDone()
                    ? Optional.empty()
                    : Optional.of(Duration.ofMillis(duePass.getDelay(TimeUnit.MILLISECONDS)));
        }
    }

    private Optional<PurgeReport> runPass(Pass kind) {
        try {
            Setup setup;
            try {
                setup = Setup.of(settings, NatsConfigReader.readServerConfig(settings.conf(), env), readyTimeout);
            } catch (ReconcileException e) {
                logSetupError(e.getMessage());
                return Optional.empty();
            }
            logSetupError("");
            logOffReason(setup.purgeOff().orElse(""));
            JetStreamReconciler current;
            synchronized (lock) {
                if (setup.settings().isEmpty()) {
                    reconciler = null;
                    return Optional.empty();
                }
                PurgeSettings purge = setup.settings().get();
                reconciler = reconciler == null ? JetStreamReconciler.of(purge) : reconciler.withSettings(purge);
                current = reconciler;
            }
            if (kind == Pass.STARTUP) {
                checkConnection(current);
            }
            Optional<PurgeReport> report =
                    setup.purgeOff().isEmpty() ? Optional.of(current.reconcile()) : Optional.empty();
            readyAgain();
            if (kind == Pass.AFTER_CHANGE) {
                queueClaimsPush(current);
            }
            int purged = report.map(r -> r.purged().size()).orElse(0);
            boolean firstForReport = report.isPresent() && firstRequestFor(report.get());
            // nats-server keeps a removed account in memory until it restarts (a SIGHUP does not
            // drop it): only a restart makes the removal take full effect. Not after the startup
            // pass: that server has just started without the removed JWTs.
            if (kind != Pass.STARTUP && purged > 0 && firstForReport && settings.restartOnAccountRemoval()) {
                restart.requestRestart(purged + " account(s) removed from the resolver were purged"
                        + " (NATS_RESTART_ON_ACCOUNT_REMOVAL=true)");
            }
            return report;
        } catch (ConfigException e) {
            log().warn("JetStream purge pass skipped: cannot read NATS_CONF: {}", e.getMessage());
        } catch (ReconcileException e) {
            if (e.kind() == ReconcileException.Kind.NOT_LISTENING && !stopping()) {
                notReady(kind, e);
            } else if (stopping()) {
                // close() interrupted the pass (its connect fails then): not a wrong setting.
                log().debug("JetStream purge pass stopped, the wrapper is stopping: {}", e.getMessage());
            } else {
                log().error("JetStream purge pass failed: {}", e.getMessage());
            }
        } catch (InterruptedException e) {
            // close(): the wrapper is stopping.
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log().error("JetStream purge pass failed: {}", e.toString());
        }
        return Optional.empty();
    }

    /** True once close() began: a pass failing then failed because of the stop. */
    private boolean stopping() {
        synchronized (lock) {
            return closed || Thread.currentThread().isInterrupted();
        }
    }

    /** True for the first request that gets {@code report}: requests merged into one pass share it. */
    // Identity on purpose: two passes with equal outcomes are two passes (two restarts).
    @SuppressWarnings("ReferenceEquality")
    private boolean firstRequestFor(PurgeReport report) {
        synchronized (lock) {
            if (restartedFor == report) {
                return false;
            }
            restartedFor = report;
            return true;
        }
    }

    /**
     * At start: once nats-server answers on its monitoring port (when there is one), the purge
     * connection gets {@link #READY_AFTER_ANSWER} to sign in; a wrong URL, creds, CA or account is
     * reported at once in one line instead of at the first real removal.
     */
    private void checkConnection(JetStreamReconciler current) throws ReconcileException, InterruptedException {
        PurgeSettings purge = current.settings();
        // Also without creds: the first plan reads the store dir, which nats-server creates when
        // JetStream starts; a plan before that would report it missing.
        boolean answered = awaitMonitoring(purge);
        if (!purge.sends()) {
            log().warn("NATS_SYS_USER_CRED_PATH is not set: JetStream purge passes plan and log, nothing is sent");
            return;
        }
        PurgeSettings check =
                answered ? purge.toBuilder().readyTimeout(READY_AFTER_ANSWER).build() : purge;
        try {
            current.withSettings(check).checkConnection();
        } catch (ReconcileException e) {
            if (e.kind() == ReconcileException.Kind.NOT_LISTENING) {
                throw e; // nats-server may still be starting: retried, not blamed on the settings
            }
            throw new ReconcileException("purge settings are wrong: " + e.getMessage(), e);
        }
        log().info(
                        "JetStream purge connection checked: {} signs in as the system account's user at {}",
                        SafeText.quote(purge.credsFile().map(Path::toString).orElse("(hook)")),
                        "'" + SafeText.redactUrl(purge.clientUrl()) + "'");
    }

    /** True when nats-server answered on its monitoring port within the ready timeout. */
    private boolean awaitMonitoring(PurgeSettings purge) throws InterruptedException {
        if (settings.monitorPort().isPresent()) {
            Instant deadline = Instant.now().plus(purge.readyTimeout());
            while (Varz.configLoadTime(settings.monitorPort().getAsInt()).isEmpty()) {
                if (Instant.now().isAfter(deadline)) {
                    break;
                }
                Thread.sleep(100); // polling the monitoring port until nats-server answers, bounded
            }
            return Instant.now().isBefore(deadline);
        }
        return false;
    }

    /** Runs the claims push on its own thread; the library merges pushes requested during one. */
    private void queueClaimsPush(JetStreamReconciler pushing) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            CompletableFuture<Void> push = new CompletableFuture<>();
            lastPush = push;
            try {
                threads().execute(() -> {
                    try {
                        var _ = pushing.pushClaims();
                    } catch (ReconcileException e) {
                        if (stopping()) {
                            // close() interrupted the push (its connect fails then): not a failure to alert on.
                            log().debug("claims push stopped, the wrapper is stopping: {}", e.getMessage());
                        } else {
                            log().error("claims push failed: {}", e.getMessage());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        log().error("claims push failed: {}", e.toString());
                    } finally {
                        push.complete(null);
                    }
                });
            } catch (RejectedExecutionException e) {
                push.complete(null);
            }
        }
    }

    /** Waits for the claims push requested last (tests). */
    void awaitClaimsPush(Duration timeout) throws InterruptedException {
        CompletableFuture<Void> push;
        synchronized (lock) {
            push = lastPush;
        }
        try {
            push.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("claims push still running after '" + timeout + "'", e);
        }
    }

    /**
     * A config the purge cannot run with (creds of another account, say) is said once at ERR, not
     * by every pass that reads it again: the start-up pass and a pass after a change at the same
     * moment printed it twice. Said again once it was fixed and breaks again.
     */
    private void logSetupError(String error) {
        synchronized (lock) {
            if (error.equals(lastSetupError)) {
                return;
            }
            lastSetupError = error;
        }
        if (!error.isEmpty()) {
            log().error("JetStream purge pass failed: {}", error);
        }
    }

    private void logOffReason(String reason) {
        synchronized (lock) {
            if (reason.equals(lastOffReason)) { // null at first: the first pass always says
                return;
            }
            lastOffReason = reason;
        }
        if (reason.isEmpty()) {
            log().info(
                            "JetStream purge reconciliation is on (grace period '{}')",
                            GoDuration.format(settings.purgeGrace()));
        } else {
            log().info("JetStream purge reconciliation is off: {}", reason);
        }
    }

    /** Stops the pass and claims threads; a pass or push under way is interrupted (it sends nothing more). */
    @Override
    public void close() throws InterruptedException {
        ExecutorService running;
        ExecutorService pushing;
        synchronized (lock) {
            closed = true;
            running = threads;
            pushing = timer;
            if (retryPass != null) {
                retryPass.cancel(false); // stopping never waits for nats-server to listen
            }
        }
        for (ExecutorService executor : java.util.Arrays.asList(running, pushing)) {
            if (executor != null) {
                executor.shutdownNow();
            }
        }
        for (ExecutorService executor : java.util.Arrays.asList(running, pushing)) {
            if (executor != null && !executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log().warn("JetStream purge work still running after 5s; leaving it to the JVM's exit");
            }
        }
    }

    @Override
    public String toString() {
        return "JetStream purge reconciliation";
    }

    /**
     * Step 4 and before each reload: copies NATS_JWT_MOUNT_DIR's {@code *.jwt} into NATS_JWT_DIR
     * (atomic renames; removes only JWTs it mirrored itself, and nothing while the mount holds no
     * account JWT but the system account's). Does nothing when the variable is unset; a failure is
     * logged and the wrapper goes on with the resolver directory as it is.
     */
    static void mirrorJwtMount(LauncherSettings settings, Optional<String> systemAccount) {
        if (settings.jwtMountDir().isEmpty()) {
            return;
        }
        Path mount = settings.jwtMountDir().get();
        try {
            JwtMountMirror.Result result = JwtMountMirror.mirror(mount, settings.jwtDir(), systemAccount);
            if (result.mountEmpty()) {
                log().warn(
                                "NATS_JWT_MOUNT_DIR {} holds no account JWT{}; nothing removed from NATS_JWT_DIR {}",
                                SafeText.quote(mount.toString()),
                                systemAccount.isPresent() ? " but the system account's" : "",
                                SafeText.quote(settings.jwtDir().toString()));
            } else if (result.changed()) {
                log().info(
                                "mirrored NATS_JWT_MOUNT_DIR {} into {}: {} copied, {} removed",
                                SafeText.quote(mount.toString()),
                                SafeText.quote(settings.jwtDir().toString()),
                                result.copied().size(),
                                result.removed().size());
            }
        } catch (ReconcileException e) {
            log().error("cannot mirror NATS_JWT_MOUNT_DIR: {}", e.getMessage());
        }
    }

    /**
     * The config's system account as it is now (a reload may have changed it); empty when the
     * config cannot be read: without it a mount holding one account JWT still removes nothing the
     * mirror did not copy, and the config error itself is reported by the reload.
     */
    private static Optional<String> systemAccount(LauncherSettings settings, Map<String, String> env) {
        if (settings.jwtMountDir().isEmpty()) {
            return Optional.empty();
        }
        try {
            return NatsConfigReader.readServerConfig(settings.conf(), env).systemAccount();
        } catch (ConfigException e) {
            log().debug("JWT mirror: cannot read NATS_CONF for the system account: {}", e.getMessage());
            return Optional.empty();
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
        static Setup of(LauncherSettings launcher, ServerConfig config) throws ReconcileException {
            return of(launcher, config, PurgeSettings.DEFAULT_READY_TIMEOUT);
        }

        static Setup of(LauncherSettings launcher, ServerConfig config, Duration readyTimeout)
                throws ReconcileException {
            // The library's public entry point, as any other tool uses it; the launcher adds its
            // environment contract: the URL, the creds, the CA of NATS_SSL_DIR, the store dir
            // override, and that the resolver is NATS_JWT_DIR.
            ServerFacts facts = config.facts();
            PurgeSettings.Builder builder = PurgeSettings.builder()
                    .server(facts)
                    .clientUrl(launcher.clientUrl().toString())
                    .readyTimeout(readyTimeout)
                    .grace(launcher.purgeGrace());
            if (facts.storeDir().isPresent()) {
                launcher.jetStreamStoreDir().ifPresent(builder::storeDir);
            }
            launcher.sysUserCreds().ifPresent(builder::credsFile);
            // LauncherSettings admits only nats:// and tls://, the schemes the purge connects with.
            if (launcher.clientUrl().getScheme().toLowerCase(Locale.ROOT).equals("tls")) {
                caFile(launcher.sslDir()).ifPresent(builder::caFile);
            }
            String conf = "NATS_CONF '" + launcher.conf() + "'";
            PurgeSetup setup;
            try {
                setup = builder.setup();
            } catch (ReconcileException e) {
                throw new ReconcileException(conf + ": " + e.getMessage(), e);
            }
            return switch (setup) {
                case PurgeSetup.Off off -> off(off.why());
                case PurgeSetup.Ready ready -> inJwtDir(launcher, ready.settings(), Optional.empty());
                case PurgeSetup.ClaimsOnly claims -> inJwtDir(launcher, claims.settings(), Optional.of(claims.why()));
            };
        }

        // The purge decides from NATS_JWT_DIR: a config whose resolver lives elsewhere would have
        // its live accounts judged against the wrong directory.
        private static Setup inJwtDir(LauncherSettings launcher, PurgeSettings settings, Optional<String> purgeOff) {
            Path resolverDir = settings.resolverDir().orElseThrow();
            if (!sameDir(resolverDir, launcher.jwtDir())) {
                return off("NATS_CONF '" + launcher.conf() + "' keeps its resolver in '" + resolverDir
                        + "', not in NATS_JWT_DIR '" + launcher.jwtDir() + "'");
            }
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
