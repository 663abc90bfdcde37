package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.Origin;
import com.datasance.pot.nats.api.SafeText;
import com.datasance.pot.nats.api.ServerProcess;
import com.datasance.pot.nats.config.ConfigException;
import com.datasance.pot.nats.config.FileReference;
import com.datasance.pot.nats.config.NatsConfigReader;
import com.datasance.pot.nats.config.ServerConfig;
import com.datasance.pot.nats.process.ConfigCheck;
import com.datasance.pot.nats.process.ProcessException;
import com.datasance.pot.nats.watch.ChangeSet;
import com.datasance.pot.nats.watch.ContentWatcher;
import com.datasance.pot.nats.watch.WatchedPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DESIGN.md runtime steps 6 and 7: watches the config (with its includes and TLS files), the
 * account config, TLS, JWT and creds directories, and applies each real change by the rules of
 * NATS_SERVER_MODE. Runs on the watcher's thread, one change at a time; signals and restarts go
 * through the {@link Supervisor}'s thread, so they never race a stop.
 */
final class ReloadService implements Supervisor.AfterStart {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadService.class);

    /** nats-server -t parses the config and its TLS files; a second is plenty, this is a safety bound. */
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(20);
    /** How long a SIGHUP may take to show in /varz before the reload is reported unconfirmed. */
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    private static final long CONFIRM_POLL_MILLIS = 5;

    /** The first retry of a change not applied for a passing reason; doubled per attempt. */
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    /** The longest wait between retries: the safety net's interval. */
    private static final Duration LAST_RETRY = Duration.ofSeconds(60);

    /**
     * The watcher's re-digest without an event, for what inotify misses (overflow is handled
     * apart). Measured idle with every mount present (110 files): each re-digest costs the watcher
     * thread ~11 ms of CPU, so the library's 30 s default alone would exceed the 20 ms-per-idle-
     * minute budget (bench/reload).
     */
    private static final Duration SAFETY_NET = Duration.ofSeconds(60);

    private final LauncherSettings settings;
    private final Path binary;
    private final Map<String, String> env;
    private final JwtChangeHandler jwtHandler;
    private final ServerControl control;
    private volatile Optional<ServerConfig> config;
    /**
     * The last config that read, whatever nats-server runs: while the config does not read, its
     * includes and TLS files stay watched, so that a fix made only in an include is seen.
     */
    private Optional<ServerConfig> lastRead;
    /** How many times in a row the current change was not applied for a passing reason. */
    private int attempts;
    /** How long {@code nats-server -t} may run; a parameter for tests (a FIFO blocks it). */
    private final Duration checkTimeout;
    /**
     * The config nats-server runs on, as far as the wrapper knows: the one it was started with,
     * then each one applied. Compared with a new config for options nats-server cannot reload.
     * Only the watcher thread uses it after the start.
     */
    private Optional<ServerConfig> running;

    private volatile ContentWatcher<ChangeCause> watcher;
    /** Handed to the watcher at start, then dropped (10,001 JWTs: it is not kept for the wrapper's life). */
    private Optional<ContentWatcher.Snapshot> baseline;
    /** Why the last read of the config failed; only the watcher thread reads and writes it. */
    private Optional<ConfigException> lastReadError = Optional.empty();

    /**
     * @param config the config as read at start (step 3); empty when it could not be read
     * @param baseline the content of the watched set taken before nats-server started: whatever
     *     changed between it and the watcher's start is applied, not lost; empty: the watcher's
     *     own first digest is the baseline
     * @param jwtHandler what runs around a reload when the JWT resolver changed
     * @param control the supervisor, which performs the reloads and restarts asked for
     */
    ReloadService(
            LauncherSettings settings,
            Path binary,
            Map<String, String> env,
            Optional<ServerConfig> config,
            Optional<ContentWatcher.Snapshot> baseline,
            JwtChangeHandler jwtHandler,
            ServerControl control) {
        this(settings, binary, env, config, baseline, jwtHandler, control, CHECK_TIMEOUT);
    }

    ReloadService(
            LauncherSettings settings,
            Path binary,
            Map<String, String> env,
            Optional<ServerConfig> config,
            Optional<ContentWatcher.Snapshot> baseline,
            JwtChangeHandler jwtHandler,
            ServerControl control,
            Duration checkTimeout) {
        this.checkTimeout = Objects.requireNonNull(checkTimeout, "checkTimeout");
        this.lastRead = config;
        this.baseline = Objects.requireNonNull(baseline, "baseline");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.binary = Objects.requireNonNull(binary, "binary");
        this.env = Map.copyOf(env);
        this.config = Objects.requireNonNull(config, "config");
        this.running = config;
        this.jwtHandler = Objects.requireNonNull(jwtHandler, "jwtHandler");
        this.control = Objects.requireNonNull(control, "control");
    }

    /**
     * Step 3: the config as nats-server will read it, with {@code env} for {@code $VAR}. A config we
     * cannot read is logged with its position and not fatal: nats-server judges it and reports
     * (or exits) itself; meanwhile NATS_CONF and the files the error points at (the include at
     * fault, a missing include) are watched for config changes.
     */
    static Optional<ServerConfig> readConfig(Path conf, Map<String, String> env) {
        try {
            return Optional.of(NatsConfigReader.readServerConfig(conf, env));
        } catch (ConfigException e) {
            LOG.error(
                    "{}; '{}' and the file at fault are watched for config changes until it reads",
                    e.getMessage(),
                    SafeText.escape(conf.toString()));
            return Optional.empty();
        }
    }

    @Override
    public AutoCloseable start(ServerProcess server) {
        if (config.isEmpty()) {
            // Read again for the error's position only (logged at step 3): the file at fault, an
            // include, is watched too, so that a fix made there alone is seen.
            try {
                NatsConfigReader.readServerConfig(settings.conf(), env);
            } catch (ConfigException e) {
                lastReadError = Optional.of(e);
            }
        }
        List<WatchedPath<ChangeCause>> watched = watchedNow();
        Duration quiet = settings.reloadDebounce().isZero() ? Duration.ofMillis(1) : settings.reloadDebounce();
        ContentWatcher.Builder<ChangeCause> builder = ContentWatcher.<ChangeCause>builder()
                .watchAll(watched)
                .quietPeriod(quiet)
                .safetyNetInterval(SAFETY_NET)
                .threadName("pot-nats-reload")
                .listener(this::onChange);
        baseline.ifPresent(builder::baseline);
        baseline = Optional.empty();
        ContentWatcher<ChangeCause> started = builder.build();
        watcher = started;
        started.start();
        LOG.info(
                "watching {} paths for changes ({} mode{})",
                watched.size(),
                settings.mode().spelling(),
                started.polling() ? ", polling" : "");
        if (LOG.isDebugEnabled()) {
            watched.forEach(w -> LOG.debug("watching {} '{}'", w.key(), w.path()));
        }
        return started;
    }

    @Override
    public String toString() {
        return "the config watcher";
    }

    /**
     * The watched set: NATS_CONF, its includes and TLS files (CONFIG), then one path per other
     * cause. A file the config names inside another watched path (a certificate in NATS_SSL_DIR,
     * an include that is NATS_ACCOUNTS) keeps that path's cause only: in leaf mode a certificate
     * rotation must reload, not restart.
     */
    List<WatchedPath<ChangeCause>> watched(Optional<ServerConfig> parsed) {
        return watched(settings, parsed);
    }

    /** {@link #watched(Optional)} for {@code settings}, before a service exists (the start-up snapshot). */
    static List<WatchedPath<ChangeCause>> watched(LauncherSettings settings, Optional<ServerConfig> parsed) {
        List<WatchedPath<ChangeCause>> others = List.of(
                new WatchedPath<>(settings.accounts(), ChangeCause.ACCOUNTS),
                new WatchedPath<>(settings.sslDir(), ChangeCause.SSL),
                new WatchedPath<>(settings.jwtMountDir().orElse(settings.jwtDir()), ChangeCause.JWT),
                new WatchedPath<>(settings.credsDir(), ChangeCause.CREDS));
        Set<Path> configFiles = new LinkedHashSet<>();
        configFiles.add(settings.conf());
        parsed.ifPresent(c -> {
            for (FileReference file : c.files()) {
                switch (file.kind()) {
                    case INCLUDE, TLS_CERT, TLS_KEY, TLS_CA -> configFiles.add(file.path());
                    default -> {}
                }
            }
        });
        List<WatchedPath<ChangeCause>> all = new ArrayList<>();
        for (Path file : configFiles) {
            Path normalized = file.toAbsolutePath().normalize();
            boolean elsewhere = others.stream().anyMatch(o -> normalized.startsWith(o.path()));
            if (!elsewhere || normalized.equals(settings.conf())) {
                all.add(new WatchedPath<>(normalized, ChangeCause.CONFIG));
            }
        }
        all.addAll(others);
        return all;
    }

    /**
     * What to watch after a config change: what the config names when it reads; else what the
     * last config that read names, plus the files the read error points at (an include with the
     * syntax error), so that a fix made only in an include is seen and applied.
     */
    private List<WatchedPath<ChangeCause>> watchedNow() {
        if (config.isPresent()) {
            return watched(config);
        }
        List<WatchedPath<ChangeCause>> all = new ArrayList<>(watched(lastRead));
        Path base = Objects.requireNonNullElse(settings.conf().getParent(), settings.conf());
        Optional<Origin> at = lastReadError.map(ConfigException::origin);
        while (at.isPresent()) {
            Origin origin = at.get();
            // A source is a file path, or <string>, or $VAR for a variable's value: files only.
            if (!origin.source().equals(Origin.IN_MEMORY) && !origin.source().startsWith("$")) {
                WatchedPath<ChangeCause> named = new WatchedPath<>(base.resolve(origin.source()), ChangeCause.CONFIG);
                boolean known = all.stream().anyMatch(w -> named.path().startsWith(w.path()));
                if (!known) {
                    all.add(1, named);
                }
            }
            at = origin.includedFrom();
        }
        // An include that does not exist yet (or cannot be read): its appearance is the fix.
        if (lastReadError.flatMap(ConfigException::problem).orElse(null)
                instanceof ConfigException.Problem.UnreadableFile(Path missing)) {
            WatchedPath<ChangeCause> named = new WatchedPath<>(missing, ChangeCause.CONFIG);
            boolean known = all.stream().anyMatch(w -> named.path().startsWith(w.path()));
            if (!known) {
                all.add(1, named);
            }
        }
        return all;
    }

    /** The watcher's callback: one coalesced change. */
    void onChange(ChangeSet<ChangeCause> changes) {
        String causes = describe(changes.keys());
        LOG.info("changed: {} ({} files)", causes, changes.paths().size());
        if (changes.contains(ChangeCause.CONFIG)) {
            // Includes and TLS files can come and go with the config: watch what it names now.
            Optional<ServerConfig> reread = reread();
            config = reread;
            if (reread.isPresent()) {
                lastRead = reread;
            }
            if (watcher != null) {
                watcher.replaceWatched(watchedNow());
            }
        }
        boolean jwt = changes.contains(ChangeCause.JWT);
        if (jwt) {
            runSafely("the JWT handler before the reload", () -> jwtHandler.beforeReload(changes));
        }
        try {
            apply(changes, causes);
        } catch (InterruptedException e) {
            // The watcher is closing (the wrapper stops): unwind without further action.
            Thread.currentThread().interrupt();
            return;
        }
        if (jwt) {
            runSafely("the JWT handler after the reload", () -> jwtHandler.afterReload(changes));
        }
    }

    private void apply(ChangeSet<ChangeCause> changes, String causes) throws InterruptedException {
        if (settings.mode() == ServerMode.SERVER) {
            if (!valid(causes) || moved(changes, causes)) {
                return;
            }
            List<Unreloadable.Change> refused = unreloadable(changes);
            if (refused.isEmpty()) {
                reload(changes, causes);
                return;
            }
            String what = refused.stream().map(Unreloadable.Change::toString).collect(Collectors.joining(", "));
            if (settings.restartOnUnreloadable()) {
                LOG.warn(
                        "{} changed options nats-server cannot reload ({}); restarting it (NATS_RESTART_ON_UNRELOADABLE=true)",
                        causes,
                        what);
                restart(changes, causes);
            } else {
                LOG.error(
                        "not reloading for {}: nats-server cannot reload {}, and would refuse the whole reload;"
                                + " it keeps running on the config it has. Restart it to apply, or set"
                                + " NATS_RESTART_ON_UNRELOADABLE=true",
                        causes,
                        what);
            }
            return;
        }
        // Leaf mode (DESIGN.md): a leaf node restarts for a new config, accounts or creds, reloads
        // for certificates only, and leaves JWT changes to the resolver.
        boolean restart = changes.contains(ChangeCause.CONFIG)
                || changes.contains(ChangeCause.ACCOUNTS)
                || changes.contains(ChangeCause.CREDS);
        if (restart) {
            if (valid(causes) && !moved(changes, causes)) {
                restart(changes, causes);
            }
        } else if (changes.contains(ChangeCause.SSL)) {
            if (valid(causes) && !moved(changes, causes)) {
                reload(changes, causes);
            }
        } else {
            LOG.info("leaf mode: {} changed, no reload", causes);
        }
    }

    /**
     * {@code nats-server -t -c CONF}: nothing is signalled for a config nats-server would reject.
     * A change not applied for a reason that may pass (a file gone for a moment, a check that
     * timed out or could not run) stays pending and is tried again with a backoff; one the check
     * rejects waits for the next change.
     */
    private boolean valid(String causes) throws InterruptedException {
        if (lastReadError.flatMap(ConfigException::problem).orElse(null)
                instanceof ConfigException.Problem.IncludeCycle cycle) {
            // nats-server 2.9.10 recurses on a cycle until the check's timeout kills it (over a GB
            // of memory on the way): rejected without running it, until the next change.
            rejected(
                    causes,
                    describe(cycle),
                    "not checked ('nats-server -t' recurses on an include cycle until it is killed)");
            return false;
        }
        Optional<Path> gone = goneFile();
        if (gone.isPresent()) {
            Duration retry = nextRetry();
            LOG.warn(
                    "not applying the change of {} yet: '{}' is gone (or is no regular file); nats-server keeps"
                            + " running on the config it has; looking again in {} (attempt {})",
                    causes,
                    SafeText.escape(gone.get().toString()),
                    GoDuration.format(retry),
                    attempts);
            retryLater(retry);
            return false;
        }
        ConfigCheck check;
        try {
            check = ConfigCheck.run(binary, settings.conf(), checkTimeout);
        } catch (ProcessException e) {
            Duration retry = nextRetry();
            LOG.error(
                    "not applying the change of {}: cannot check the config: {}; trying again in {} (attempt {})",
                    causes,
                    e.getMessage(),
                    GoDuration.format(retry),
                    attempts);
            retryLater(retry);
            return false;
        }
        if (check instanceof ConfigCheck.TimedOut(String error)) {
            Duration retry = nextRetry();
            LOG.error(
                    "not applying the change of {}: {}; nats-server keeps running on the config it has; trying"
                            + " again in {} (attempt {})",
                    causes,
                    error,
                    GoDuration.format(retry),
                    attempts);
            retryLater(retry);
            return false;
        }
        if (check instanceof ConfigCheck.Invalid(String error)) {
            // nats-server 2.9.10 names the line but not always the file ("Parse error on line 4:
            // ..."); our reader's position, when it fails too, names the file of an include.
            String where = lastReadError
                    .map(e -> e.origin().toString())
                    .orElse(settings.conf().toString());
            rejected(causes, where, "nats-server rejects the config: " + error);
            return false;
        }
        attempts = 0;
        return true;
    }

    /** A config that cannot be applied as it is: logged once, not tried again until the next change. */
    private void rejected(String causes, String where, String why) {
        attempts = 0;
        ContentWatcher<ChangeCause> current = watcher;
        if (current != null) {
            current.notAppliedUntilNextChange();
        }
        LOG.error("not applying the change of {}: {}: {}; it keeps running on the config it has", causes, where, why);
    }

    /**
     * NATS_CONF, or a file the last config that read includes or names for TLS, that is not a
     * regular file now (gone, a dangling symlink or a loop, a FIFO): a moment of a swap or a
     * move, not yet a config error.
     */
    private Optional<Path> goneFile() {
        List<Path> files = new ArrayList<>();
        files.add(settings.conf());
        lastRead.ifPresent(c -> {
            for (FileReference file : c.files()) {
                switch (file.kind()) {
                    case INCLUDE, TLS_CERT, TLS_KEY, TLS_CA -> files.add(file.path());
                    default -> {}
                }
            }
        });
        return files.stream().filter(f -> !Files.isRegularFile(f)).findFirst();
    }

    /** The wait before the next try of a change not applied: 1 s, doubled per attempt, at most 60 s. */
    private Duration nextRetry() {
        attempts++;
        int doublings = Math.min(attempts - 1, 6);
        Duration retry = FIRST_RETRY.multipliedBy(1L << doublings);
        return retry.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry;
    }

    /** The change being handled stays pending; the watcher reports it again after {@code delay}. */
    private void retryLater(Duration delay) {
        ContentWatcher<ChangeCause> current = watcher;
        if (current != null) {
            current.retryLater(delay);
        }
    }

    /**
     * Whether the content changed again since this change was reported, e.g. during the config
     * check: then what was checked is not what nats-server would read, so nothing is signalled
     * and the watcher reports the newer content after a quiet period.
     */
    private boolean moved(ChangeSet<ChangeCause> changes, String causes) {
        ContentWatcher<ChangeCause> current = watcher;
        if (current != null && current.contentMovedSinceReport(changes.firstEventAt())) {
            // Still pending: the watcher looks again at once, dated from this change's first event.
            current.retryLater(Duration.ZERO);
            LOG.info("not applying the change of {} yet: the content changed again since it was checked", causes);
            return true;
        }
        return false;
    }

    /** The options of a config change that nats-server would refuse to reload. */
    private List<Unreloadable.Change> unreloadable(ChangeSet<ChangeCause> changes) {
        Optional<ServerConfig> next = config;
        if (!changes.contains(ChangeCause.CONFIG) || running.isEmpty() || next.isEmpty()) {
            return List.of();
        }
        return Unreloadable.between(
                running.get().document().root(), next.get().document().root());
    }

    private void reload(ChangeSet<ChangeCause> changes, String causes) throws InterruptedException {
        Optional<String> before =
                monitorPort().isPresent() ? Varz.configLoadTime(monitorPort().getAsInt()) : Optional.empty();
        OptionalLong pid;
        try {
            pid = control.requestReload("config watcher (" + causes + ")")
                    .get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Duration retry = nextRetry();
            LOG.warn(
                    "reload for {} not sent: the supervisor did not take it within {}; trying again in {} (attempt {})",
                    causes,
                    GoDuration.format(CONFIRM_TIMEOUT),
                    GoDuration.format(retry),
                    attempts);
            retryLater(retry);
            return;
        }
        if (pid.isEmpty()) {
            Duration retry = nextRetry();
            LOG.warn(
                    "reload for {} not sent: nats-server is not running; trying again in {} (attempt {})",
                    causes,
                    GoDuration.format(retry),
                    attempts);
            retryLater(retry);
            return;
        }
        if (monitorPort().isEmpty()) {
            applied();
            LOG.info(
                    "sent SIGHUP to nats-server (pid {}) for {}, {} ms after the first change (NATS_MONITOR_PORT=0:"
                            + " not confirmed)",
                    pid.getAsLong(),
                    causes,
                    millisSince(changes.firstEventAt()));
            return;
        }
        int port = monitorPort().getAsInt();
        long deadline = System.nanoTime() + CONFIRM_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Optional<String> now = Varz.configLoadTime(port);
            if (now.isPresent() && !now.equals(before)) {
                applied();
                LOG.info(
                        "reloaded nats-server (pid {}) for {}: applied {} ms after the first change",
                        pid.getAsLong(),
                        causes,
                        millisSince(changes.firstEventAt()));
                return;
            }
            Thread.sleep(CONFIRM_POLL_MILLIS); // polling an HTTP endpoint: there is no event to wait for
        }
        LOG.warn(
                "sent SIGHUP to nats-server (pid {}) for {}, but /varz config_load_time did not change within {};"
                        + " nats-server's log says why",
                pid.getAsLong(),
                causes,
                GoDuration.format(CONFIRM_TIMEOUT));
    }

    /** Waits for the restart so that the JWT handler after it talks to the new server. */
    private void restart(ChangeSet<ChangeCause> changes, String causes) throws InterruptedException {
        Duration bound = settings.shutdownTimeout().plus(CONFIRM_TIMEOUT);
        try {
            OptionalLong pid =
                    control.restart("config watcher (" + causes + ")").get(bound.toMillis(), TimeUnit.MILLISECONDS);
            if (pid.isPresent()) {
                applied();
                LOG.info(
                        "restarted nats-server (now pid {}) for {}, {} ms after the first change",
                        pid.getAsLong(),
                        causes,
                        millisSince(changes.firstEventAt()));
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("restart for {} not confirmed within {}", causes, GoDuration.format(bound));
        }
    }

    /** nats-server now runs on the config last read. */
    private void applied() {
        if (config.isPresent()) {
            running = config;
        }
    }

    private OptionalInt monitorPort() {
        return settings.monitorPort();
    }

    private Optional<ServerConfig> reread() {
        try {
            Optional<ServerConfig> read = Optional.of(NatsConfigReader.readServerConfig(settings.conf(), env));
            lastReadError = Optional.empty();
            return read;
        } catch (ConfigException e) {
            lastReadError = Optional.of(e);
            LOG.warn(
                    "{}; the files of the last config that read and the file at fault stay watched until it"
                            + " reads again",
                    e.getMessage());
            return Optional.empty();
        }
    }

    /** The cycle, each file quoted and escaped: {@code include cycle: 'a.conf' -> 'b.conf' -> 'a.conf'}. */
    static String describe(ConfigException.Problem.IncludeCycle cycle) {
        return "include cycle: "
                + cycle.chain().stream().map(p -> SafeText.quote(p.toString())).collect(Collectors.joining(" -> "))
                + "; remove one include";
    }

    private static long millisSince(Instant first) {
        return Duration.between(first, Instant.now()).toMillis();
    }

    private static String describe(Set<ChangeCause> causes) {
        return EnumSet.copyOf(causes).stream().map(Enum::name).collect(Collectors.joining("+"));
    }

    private static void runSafely(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("{} failed; the watcher keeps running", what, e);
        }
    }
}
