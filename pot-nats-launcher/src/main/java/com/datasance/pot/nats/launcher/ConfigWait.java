package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.Origin;
import com.datasance.pot.nats.api.SafeText;
import com.datasance.pot.nats.config.ConfigException;
import com.datasance.pot.nats.config.FileReference;
import com.datasance.pot.nats.config.NatsConfigReader;
import com.datasance.pot.nats.process.ConfigCheck;
import com.datasance.pot.nats.process.ProcessException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DESIGN.md runtime step 2: before nats-server starts, NATS_CONF must exist as a regular file, keep
 * the same content for the quiet period (NATS_RELOAD_DEBOUNCE) and pass {@code nats-server -t},
 * all within NATS_CONFIG_WAIT. A config written in pieces (a {@code listen} line first, the {@code
 * authorization} block a second later) never starts a server on its first half. The log says what
 * is awaited, and why it did not come.
 *
 * <p>The usual start (a pod restarted, a container recreated) finds a mounted config nobody has
 * written for a long time: when NATS_CONF and every file it names (includes, TLS files, operator
 * JWT, credentials: regular files; the resolver directory: a directory) were last modified at least
 * {@link #SETTLED_AGE} (or the quiet period, when longer) ago, no writer is under way, and {@code
 * nats-server -t} would only repeat what nats-server checks itself as it starts (it exits 1 with
 * its reason, and the wrapper with it). The check is then skipped: it is a second nats-server
 * start on the path to ready (docs/BENCHMARKS.md). Anything younger, missing, special or
 * unreadable by our reader goes through the stability wait and the check as before.
 *
 * <p>The files NATS_CONF names count as its content: an include or a TLS key that appears, or
 * changes, during the wait starts the quiet period again and, once it has passed, the check (a
 * config named a certificate not written yet). A config the check rejected while nothing
 * observable changed is checked again with a backoff ({@link #FIRST_RECHECK} doubled up to {@link
 * #LAST_RECHECK}), for what our reader cannot name. An include cycle is rejected without the
 * check: nats-server 2.9.10 recurses on it until it is killed, with over a GB of memory.
 *
 * <p>Polling, not inotify: this runs once, for at most NATS_CONFIG_WAIT, and the config may arrive
 * through any parent directory (a volume mounted late, a symlink swapped in). A SIGTERM or SIGINT
 * ends the wait at once, a config check under way included.
 */
final class ConfigWait {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWait.class);

    private static final Duration STILL_WAITING_EVERY = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 50;

    /** Linux's MAXSYMLINKS: a longer chain fails with ELOOP, as a loop does. */
    private static final int MAX_SYMLINKS = 40;
    /** nats-server -t takes well under a second; a check that takes this long is killed. */
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(20);
    /**
     * How long NATS_CONF and the files it names must have been left alone for the start to skip
     * {@code nats-server -t}: far beyond any writer's pause between two pieces of one config.
     */
    static final Duration SETTLED_AGE = Duration.ofSeconds(10);
    /** The first check again of a rejected config when nothing observable changed; doubled per try. */
    private static final Duration FIRST_RECHECK = Duration.ofSeconds(1);

    private static final Duration LAST_RECHECK = Duration.ofSeconds(5);
    /** Even at the very end of the wait, a check gets this long. */
    private static final Duration MIN_CHECK_TIMEOUT = Duration.ofSeconds(1);

    /** How the wait ended. */
    enum Outcome {
        /** Stable and valid: start nats-server. */
        READY,
        /** Never there, or never stable and valid, within NATS_CONFIG_WAIT: exit 3. */
        NEVER_VALID,
        /** NATS_CONF is a FIFO, a device, a socket or a directory: nats-server must not read it (exit 3). */
        NOT_A_FILE,
        /** The check could not run: the binary is missing or not executable (exit 4). */
        BINARY_MISSING,
        /** SIGTERM or SIGINT while waiting: nothing runs yet, the wrapper just ends (0). */
        STOP_REQUESTED
    }

    /** What NATS_CONF is right now. */
    private sealed interface State {
        record Missing() implements State {}

        record Dangling(String target) implements State {}

        /** A chain of symlinks that comes back to itself (ELOOP): no target will ever resolve. */
        record Loop(String target) implements State {}

        /** There, but this user may not read it (its mode, or a directory on the way). */
        record Unreadable() implements State {}

        record Special(String kind) implements State {}

        record Regular(String digest, boolean settledBefore) implements State {}
    }

    /**
     * What NATS_CONF names, as our reader last read it for content {@code digest}: the files (or,
     * when it did not read, the files its error points at, a missing include among them), their
     * look ({@code stat}) then, and the error.
     */
    private record Named(String digest, List<Path> files, String stat, Optional<ConfigException> error) {}

    /** What a judgement of the config found. */
    private sealed interface Verdict {
        record Valid() implements Verdict {}

        /** Rejected; {@code definite}: only a change of the files can fix it, no check again before. */
        record Rejected(String problem, boolean definite) implements Verdict {}
    }

    private final LauncherSettings settings;
    private final Path binary;
    private final Map<String, String> env;
    private final BlockingQueue<Supervisor.Event> events;
    /** The last reading of what NATS_CONF names, refreshed when its content or a named file changes. */
    private Optional<Named> named = Optional.empty();

    /** @param env the environment nats-server gets, for the config's {@code $VAR}s */
    ConfigWait(
            LauncherSettings settings, Path binary, Map<String, String> env, BlockingQueue<Supervisor.Event> events) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.binary = Objects.requireNonNull(binary, "binary");
        this.env = Map.copyOf(env);
        this.events = Objects.requireNonNull(events, "events");
    }

    Outcome await() throws InterruptedException {
        Path conf = settings.conf();
        String name = SafeText.quote(conf.toString());
        long quiet = Math.max(1, settings.reloadDebounce().toNanos());
        long start = System.nanoTime();
        long deadline = start + settings.configWait().toNanos();
        long nextNotice = start + STILL_WAITING_EVERY.toNanos();
        boolean announced = false;
        String lastDigest = null;
        String lastKey = null;
        long stableSince = 0;
        String judgedKey = null;
        long recheckAt = 0;
        int rechecks = 0;
        String lastProblem = "it did not appear";
        String warned = null;
        while (true) {
            if (stopRequested(conf)) {
                return Outcome.STOP_REQUESTED;
            }
            long now = System.nanoTime();
            State state = inspect(conf);
            switch (state) {
                case State.Special(String kind) -> {
                    LOG.error(
                            "NATS_CONF {} is {}, not a regular file: nats-server would block reading it or fail;"
                                    + " mount the config file there",
                            name,
                            kind);
                    return Outcome.NOT_A_FILE;
                }
                case State.Missing() -> {
                    lastDigest = null;
                    lastProblem = "it did not appear";
                }
                case State.Dangling(String target) -> {
                    lastDigest = null;
                    lastProblem = warnOnChange(
                            name,
                            lastProblem,
                            "it is a symlink to " + SafeText.quote(target) + ", which does not exist",
                            "waiting for the target");
                }
                case State.Loop(String target) -> {
                    lastDigest = null;
                    lastProblem = warnOnChange(
                            name,
                            lastProblem,
                            "it is a symlink loop (through " + SafeText.quote(target) + ")",
                            "waiting for a link to a file");
                }
                case State.Unreadable() -> {
                    lastDigest = null;
                    lastProblem = warnOnChange(
                            name,
                            lastProblem,
                            "it exists but is not readable by this user (check its mode and owner)",
                            "waiting for it to become readable");
                }
                case State.Regular(String digest, boolean settledBefore) -> {
                    String key = digest + '\n' + named(conf, digest).stat();
                    if (!digest.equals(lastDigest)) {
                        lastDigest = digest;
                        // A file last written longer than a quiet period ago is stable already:
                        // the usual start (a mounted config) does not wait for nothing.
                        stableSince = settledBefore ? now - quiet : now;
                        lastProblem = "its content kept changing";
                    } else if (!key.equals(lastKey)) {
                        stableSince = now; // a file it names appeared or changed: let it settle too
                    }
                    if (!key.equals(lastKey)) {
                        lastKey = key;
                        rechecks = 0;
                    }
                    if (settledBefore && judgedKey == null && !announced && settledWithWhatItNames(conf)) {
                        LOG.debug(
                                "NATS_CONF {} and the files it names are unchanged for at least {}: no"
                                        + " 'nats-server -t' before the start",
                                name,
                                GoDuration.format(settledAge()));
                        return Outcome.READY;
                    }
                    if (now - stableSince >= quiet && (!key.equals(judgedKey) || now - recheckAt >= 0)) {
                        if (!announced) {
                            announced = true;
                            announce(name, quiet);
                        }
                        Optional<Verdict> verdict = judge(conf, digest, deadline);
                        if (verdict.isEmpty()) {
                            return Outcome.STOP_REQUESTED;
                        }
                        if (!(inspect(conf) instanceof State.Regular(String after, boolean ignored))
                                || !key.equals(after + '\n' + named(conf, after).stat())) {
                            continue; // changed during the check: judge the new content
                        }
                        judgedKey = key;
                        switch (verdict.get()) {
                            case Verdict.Valid() -> {
                                LOG.info("NATS_CONF {} is stable and valid", name);
                                return Outcome.READY;
                            }
                            case Verdict.Rejected(String problem, boolean definite) -> {
                                lastProblem = problem;
                                long delay = definite
                                        ? settings.configWait().toNanos()
                                        : Math.min(
                                                LAST_RECHECK.toNanos(),
                                                FIRST_RECHECK.toNanos() << Math.min(rechecks, 10));
                                rechecks++;
                                recheckAt = System.nanoTime() + delay;
                            }
                        }
                        if (!lastProblem.equals(warned)) {
                            warned = lastProblem;
                            LOG.warn("NATS_CONF {} is not valid yet ({}); waiting for a valid one", name, lastProblem);
                        }
                    }
                }
            }
            now = System.nanoTime();
            if (now - deadline >= 0) {
                String wait = GoDuration.format(settings.configWait());
                if (state instanceof State.Missing) {
                    LOG.error("NATS_CONF {} did not appear within {}", name, wait);
                } else {
                    LOG.error("NATS_CONF {} was not there, stable and valid within {}: {}", name, wait, lastProblem);
                }
                return Outcome.NEVER_VALID;
            }
            if (!announced) {
                announced = true;
                announce(name, quiet);
            } else if (now - nextNotice >= 0) {
                LOG.info("still waiting for NATS_CONF {}: {}", name, lastProblem);
                nextNotice += STILL_WAITING_EVERY.toNanos();
            }
            Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, (deadline - now) / 1_000_000)));
        }
    }

    private void announce(String name, long quiet) {
        LOG.info(
                "waiting up to {} for NATS_CONF {} to exist, keep its content for {} and pass 'nats-server -t'",
                GoDuration.format(settings.configWait()),
                name,
                GoDuration.format(Duration.ofNanos(quiet)));
    }

    /**
     * The config's verdict: an include cycle our reader found is rejected as it is ({@code
     * nats-server -t} would recurse until killed); anything else is {@code nats-server -t}'s.
     * Empty when a stop came first.
     */
    private Optional<Verdict> judge(Path conf, String digest, long deadline) throws InterruptedException {
        Optional<ConfigException> error = named(conf, digest).error();
        if (error.flatMap(ConfigException::problem).orElse(null)
                instanceof ConfigException.Problem.IncludeCycle cycle) {
            return Optional.of(new Verdict.Rejected(ReloadService.describe(cycle), true));
        }
        Optional<ConfigCheck> verdict = check(conf, deadline);
        return verdict.map(v -> switch (v) {
            case ConfigCheck.Valid() -> new Verdict.Valid();
            case ConfigCheck.Invalid(String problem) ->
                new Verdict.Rejected("nats-server rejects it: " + problem, false);
            case ConfigCheck.TimedOut(String problem) -> new Verdict.Rejected(problem, false);
        });
    }

    /**
     * What NATS_CONF with content {@code digest} names, read again when that content or the look
     * of a file it named changed since the last reading (a missing include that appeared may
     * name more).
     */
    private Named named(Path conf, String digest) {
        Optional<Named> last = named;
        if (last.isPresent()
                && last.get().digest().equals(digest)
                && last.get().stat().equals(stat(last.get().files()))) {
            return last.get();
        }
        List<Path> files = new ArrayList<>();
        Optional<ConfigException> error;
        try {
            for (FileReference file :
                    NatsConfigReader.readServerConfig(conf, env).files()) {
                files.add(file.path());
            }
            error = Optional.empty();
        } catch (ConfigException e) {
            error = Optional.of(e);
            Path base = Objects.requireNonNullElse(conf.toAbsolutePath().getParent(), conf);
            for (Optional<Origin> at = Optional.ofNullable(e.origin());
                    at.isPresent();
                    at = at.get().includedFrom()) {
                String source = at.get().source();
                // A source is a file path, or <string>, or $VAR for a variable's value: files only.
                if (!source.equals(Origin.IN_MEMORY) && !source.startsWith("$")) {
                    files.add(base.resolve(source));
                }
            }
            switch (e.problem().orElse(null)) {
                case ConfigException.Problem.UnreadableFile(Path missing) -> files.add(missing);
                case ConfigException.Problem.IncludeCycle(List<Path> chain) -> files.addAll(chain);
                case null -> {}
            }
        }
        Named reading = new Named(digest, List.copyOf(files), stat(files), error);
        named = Optional.of(reading);
        return reading;
    }

    /** How the files look: size, modification time and inode each, or absent; cheap, no content read. */
    private static String stat(List<Path> files) {
        StringBuilder look = new StringBuilder();
        for (Path file : files) {
            look.append(file).append('=');
            try {
                BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
                look.append(attrs.size())
                        .append('/')
                        .append(attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS))
                        .append('/')
                        .append(attrs.fileKey());
            } catch (IOException e) {
                look.append('-');
            }
            look.append('\n');
        }
        return look.toString();
    }

    /** Drains the events: a stop ends the wait; a reload asked for before nats-server runs is dropped. */
    private boolean stopRequested(Path conf) {
        for (Supervisor.Event event = events.poll(); event != null; event = events.poll()) {
            if (event instanceof Supervisor.Event.Stop(Supervisor.StopSignal signal)) {
                LOG.info(
                        "{} while waiting for NATS_CONF {}: nothing started, stopping",
                        signal,
                        SafeText.quote(conf.toString()));
                return true;
            }
        }
        return false;
    }

    /**
     * {@code nats-server -t} on its own thread, so that a stop is seen while it runs; empty when a
     * stop came first (the check is then killed through its interrupt).
     */
    private Optional<ConfigCheck> check(Path conf, long deadline) throws InterruptedException {
        long remaining = Math.max(MIN_CHECK_TIMEOUT.toNanos(), deadline - System.nanoTime());
        Duration timeout = Duration.ofNanos(Math.min(CHECK_TIMEOUT.toNanos(), remaining));
        CompletableFuture<ConfigCheck> result = new CompletableFuture<>();
        Thread checker = Thread.ofPlatform()
                .name("pot-nats-config-wait")
                .daemon(true)
                .start(() -> {
                    try {
                        result.complete(ConfigCheck.run(binary, conf, timeout));
                    } catch (InterruptedException e) {
                        result.cancel(false);
                    } catch (ProcessException | RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                });
        while (true) {
            try {
                ConfigCheck verdict = result.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                // A stop that killed the check may be seen only now: no verdict on a killed check.
                return stopRequested(conf) ? Optional.empty() : Optional.of(verdict);
            } catch (TimeoutException e) {
                if (stopRequested(conf)) {
                    checker.interrupt();
                    return Optional.empty();
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ProcessException failed) {
                    throw new CheckCannotRun(failed);
                }
                throw new IllegalStateException("the config check failed", e.getCause());
            } catch (InterruptedException e) {
                checker.interrupt();
                throw e;
            }
        }
    }

    /** The check itself cannot run (binary missing): unchecked, mapped to exit 4 by the caller. */
    static final class CheckCannotRun extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CheckCannotRun(ProcessException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private State inspect(Path conf) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(conf, BasicFileAttributes.class);
        } catch (AccessDeniedException e) {
            return new State.Unreadable(); // a directory on the way that this user may not search
        } catch (IOException missing) {
            return Files.isSymbolicLink(conf) ? brokenLink(conf) : new State.Missing();
        }
        if (attrs.isDirectory()) {
            return new State.Special("a directory");
        }
        if (!attrs.isRegularFile()) {
            return new State.Special(kind(conf));
        }
        String digest;
        try {
            digest = digest(conf);
        } catch (AccessDeniedException e) {
            return new State.Unreadable();
        } catch (IOException e) {
            return new State.Missing(); // vanished between the two looks
        }
        long age = System.currentTimeMillis() - attrs.lastModifiedTime().toMillis();
        return new State.Regular(digest, age > settings.reloadDebounce().toMillis());
    }

    /**
     * A symlink that does not resolve: its chain is followed link by link (as the kernel does, at
     * most {@link #MAX_SYMLINKS} of them) to tell a missing target from a loop, by the file
     * types found rather than by the text of the exception.
     */
    private static State brokenLink(Path conf) {
        Path link = conf;
        Set<Path> seen = new HashSet<>();
        try {
            String first = Files.readSymbolicLink(conf).toString();
            while (Files.isSymbolicLink(link)) {
                if (!seen.add(link.toAbsolutePath()) || seen.size() > MAX_SYMLINKS) {
                    return new State.Loop(first);
                }
                Path target = Files.readSymbolicLink(link);
                Path parent = link.getParent();
                link = parent == null ? target : parent.resolve(target);
            }
            return Files.exists(link, LinkOption.NOFOLLOW_LINKS) ? new State.Unreadable() : new State.Dangling(first);
        } catch (AccessDeniedException e) {
            return new State.Unreadable();
        } catch (IOException e) {
            return new State.Missing(); // the link itself went away meanwhile
        }
    }

    private Duration settledAge() {
        return settings.reloadDebounce().compareTo(SETTLED_AGE) > 0 ? settings.reloadDebounce() : SETTLED_AGE;
    }

    /**
     * Whether NATS_CONF and every file it names are there as what they should be (a directory for
     * the resolver, a regular file for the rest) and were last modified at least {@link
     * #settledAge()} ago. False when our reader cannot read the config: {@code nats-server -t}
     * then judges it.
     */
    private boolean settledWithWhatItNames(Path conf) {
        List<FileReference> named;
        try {
            named = NatsConfigReader.readServerConfig(conf, env).files();
        } catch (ConfigException e) {
            return false;
        }
        long settledBefore = System.currentTimeMillis() - settledAge().toMillis();
        return olderThan(conf, false, settledBefore)
                && named.stream()
                        .allMatch(file ->
                                olderThan(file.path(), file.kind() == FileReference.Kind.RESOLVER_DIR, settledBefore));
    }

    private static boolean olderThan(Path file, boolean directory, long millis) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            boolean expected = directory ? attrs.isDirectory() : attrs.isRegularFile();
            return expected && attrs.lastModifiedTime().toMillis() < millis;
        } catch (IOException e) {
            return false;
        }
    }

    /** What a non-regular file is, from its st_mode (unix attribute view, present on Linux). */
    private static String kind(Path conf) {
        try {
            int mode = (Integer) Files.getAttribute(conf, "unix:mode");
            return switch (mode & 0170000) {
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "not a regular file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "a special file";
        }
    }

    /** SHA-256 of the content, streamed: memory does not grow with the file. */
    private static String digest(Path file) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
        byte[] buffer = new byte[8192];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha256.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** Warns of {@code problem} when it differs from {@code last}, not on every look while it lasts. */
    private static String warnOnChange(String name, String last, String problem, String waitingFor) {
        if (!problem.equals(last)) {
            LOG.warn("NATS_CONF {}: {}; {}", name, problem, waitingFor);
        }
        return problem;
    }
}
