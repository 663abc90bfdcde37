package com.datasance.pot.nats.watch;

import com.datasance.pot.nats.api.SafeText;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches files and directories and reports when their content changes.
 *
 * <p>Events (inotify through java.nio's WatchService, or commons-io polling) are hints only. After
 * a quiet period with no event, the watcher computes the SHA-256 of every watched file, following
 * symlinks, and compares with the digests it saw last. When some content moved, the listener is
 * called once with the key of every watched path whose content differs from what the listener
 * last applied, coalesced across all watched paths. A change counts as applied unless the
 * listener says otherwise ({@link #retryLater}, {@link #notAppliedUntilNextChange}); one not
 * applied stays pending and is reported again, and content that goes back to what was applied
 * (the same bytes restored) reports nothing. A touch, or a rewrite with the same bytes, reports
 * nothing.
 *
 * <p>Kubernetes ConfigMap and Secret volumes are updated by kubelet's atomic writer: a new {@code
 * ..TIMESTAMP} directory, a {@code ..data_tmp} symlink renamed over {@code ..data}, the old
 * directory removed. No event names the visible file, so a watched file is watched through its
 * directory and its symlinks are resolved again on every digest.
 *
 * <p>A missing path is watched through its nearest existing ancestor; a directory deleted and
 * re-created is watched again; a queue overflow and the safety-net timer force a re-digest; when
 * the kernel refuses inotify watches, the watcher falls back to polling and says which sysctl to
 * raise.
 *
 * <p>Threading: one named daemon thread runs the loop and calls the listener; {@link
 * #replaceWatched} may be called from any thread, including from the listener. {@link #close()} is
 * idempotent, interrupts and joins that thread. Build with {@link #builder()}, then {@link
 * #start()}.
 *
 * <p>Keys: each watched path carries a key of the caller's type {@code K} (the launcher's is an
 * enum of its mounted inputs), stored once per watched path, never per file, and handed back in
 * {@link ChangeSet#keys()}. Watching one more kind of path is a new key on the caller's side; the
 * watcher does not know what the keys mean.
 *
 * @param <K> the caller's key type
 */
public final class ContentWatcher<K> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ContentWatcher.class);

    /** A burst that never goes quiet (a log file in a watched dir) is still digested this often. */
    private static final int MAX_DELAY_IN_QUIET_PERIODS = 20;

    private static final Duration MIN_MAX_DELAY = Duration.ofSeconds(10);

    /** The longest quiet period accepted: longer ones would overflow the deadline arithmetic. */
    public static final Duration MAX_QUIET_PERIOD = Duration.ofHours(1);

    /** How long {@link #close()} waits for the watcher thread before it abandons it. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

    /** How many files under watched directories the safety net stats per interval (its CPU budget). */
    static final int SAFETY_NET_FILES = 1000;

    /** New sub-directories found by a digest are watched and digested again at most this often per pass. */
    private static final int MAX_SETTLE_ROUNDS = 4;

    /** After an unexpected error in the loop, how long before it looks again (no busy loop). */
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);

    /** Opens the inotify source; package-private seam for tests (overflow, watch limits). */
    @FunctionalInterface
    interface HintSourceFactory {
        HintSource open() throws HintSource.InotifyLimitException;
    }

    private final Duration quietPeriod;
    private final Duration safetyNetInterval;
    private final Duration pollInterval;
    private final boolean forcePolling;
    private final InstantSource clock;
    private final ChangeListener<K> listener;
    private final String threadName;
    private final HintSourceFactory inotify;
    /** Guarded by lock; dropped once started, so that it holds no digests for the watcher's life. */
    private Snapshot initial;

    private final Object lock = new Object();
    // Guarded by lock.
    private final ContentDigests digests = new ContentDigests();
    // Guarded by lock.
    private List<WatchedPath<K>> watched;
    private Map<WatchedPath<K>, DigestTable> baseline = new LinkedHashMap<>();
    /**
     * The content the listener last applied (or the first baseline): a report is the difference
     * between the content now and this, so a change the listener did not apply is reported again,
     * and content that goes back to it reports nothing. Guarded by lock; the tables are shared
     * with {@link #baseline} while nothing is pending, so it costs no copy of 10,001 digests.
     */
    private Map<WatchedPath<K>, DigestTable> applied = new LinkedHashMap<>();

    private HintSource source;
    /** The directories watched since the last {@link #refreshWatches}. */
    private Set<Path> planned = Set.of();
    /** Where the safety net's next slice of files begins (an index over all watched directories' files). */
    private int safetyNetCursor;

    private boolean started;
    private boolean closed;

    private volatile Thread thread;
    /** A re-digest asked for outside the events (a moved content, a restarted loop): when its change began. */
    private volatile Instant rescanFrom;

    // Watcher thread only.
    /** What the listener said of the change it is handed; reset before each call. */
    private Outcome outcome = Outcome.APPLIED;
    /** The first event of the change the listener kept pending, to date its next report from. */
    private Instant pendingSince;
    /** When a change kept pending is reported again ({@link System#nanoTime()}); MAX_VALUE: none. */
    private long retryAt = Long.MAX_VALUE;
    /** The content differs from {@link #applied} because the listener did not apply it. */
    private boolean unapplied;
    /** When the listener was last called, until the loop looked for events that came meanwhile. */
    private Instant listenerCalledAt;

    /** What the listener did with a change: it decides what the next report is compared with. */
    private sealed interface Outcome {
        Outcome APPLIED = new Applied();

        record Applied() implements Outcome {}

        /** Report again after {@code delay}, or with the next change, whichever comes first. */
        record RetryAfter(Duration delay) implements Outcome {}

        /** Report again with the next change only (e.g. the content is invalid as it is). */
        record OnNextChange() implements Outcome {}
    }

    private ContentWatcher(Builder<K> builder) {
        this.quietPeriod = builder.quietPeriod;
        this.safetyNetInterval = builder.safetyNetInterval;
        this.pollInterval = builder.pollInterval;
        this.forcePolling = builder.polling;
        this.clock = builder.clock;
        this.listener = builder.listener;
        this.threadName = builder.threadName;
        this.inotify = builder.inotify;
        this.initial = builder.baseline;
        this.watched = List.copyOf(builder.paths);
    }

    /**
     * A builder; give the key type where the compiler cannot infer it: {@code
     * ContentWatcher.<Mount>builder()}.
     *
     * @param <K> the caller's key type
     * @return a new builder with the defaults
     */
    public static <K> Builder<K> builder() {
        return new Builder<>();
    }

    /**
     * Registers the watches, records the current content as the baseline (or takes the {@linkplain
     * Builder#baseline snapshot} given, and reports what differs from it after a quiet period) and
     * starts the thread. Content changed after this returns is reported; start the watcher before
     * the process that reads the content, or take a snapshot before it, so nothing falls between.
     *
     * @throws IllegalStateException when already started or closed
     */
    public void start() {
        synchronized (lock) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "watcher is closed" : "watcher already started");
            }
            started = true;
            source = openSource();
            refreshWatches(Map.of());
            if (initial != null) {
                // Whatever changed between the snapshot and now is reported after a quiet period
                // (the watches were planned by a full walk just now, nothing to settle).
                baseline = digestAll(watched, initial.take(), Map.of(), ContentDigests.Reads.ALL);
                rescanFrom = initial.takenAt;
                initial = null;
            } else {
                baseline = settleWatches(
                        digestAll(watched, Map.of(), Map.of(), ContentDigests.Reads.ALL), ContentDigests.Reads.ALL);
            }
            applied = baseline;
            Thread worker = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::run);
            thread = worker;
            worker.start();
            LOG.debug(
                    "Watching {} paths ({}), quiet period {} ms",
                    watched.size(),
                    source.describe(),
                    quietPeriod.toMillis());
        }
    }

    /**
     * The content of {@code paths} now, to be the baseline of a watcher started later ({@link
     * Builder#baseline}): take it before the process that reads the content starts, and a change
     * made while that process starts is reported instead of lost.
     *
     * @param paths the paths (with their keys) the watcher will watch; a watcher uses the digests
     *     of a path only when it watches the same path with an equal key
     * @return the digests now, for {@link Builder#baseline}
     */
    public static Snapshot snapshot(Collection<? extends WatchedPath<?>> paths) {
        ContentDigests digests = new ContentDigests();
        Map<WatchedPath<?>, DigestTable> taken = new LinkedHashMap<>();
        Instant at = InstantSource.system().instant();
        for (WatchedPath<?> path : new LinkedHashSet<>(paths)) {
            taken.put(path, digests.digest(path.path()));
        }
        return new Snapshot(taken, at);
    }

    /**
     * The digests of a watched set at one moment; opaque. It is the baseline of one watcher: the
     * watcher that starts from it takes the digests out (a caller that keeps the snapshot in a
     * long-lived frame then keeps no copy of 10,001 digests alive); another watcher built from it
     * afterwards starts from the content at its own start.
     */
    public static final class Snapshot {
        private final AtomicReference<Map<WatchedPath<?>, DigestTable>> digests;
        private final Instant takenAt;
        private final int fileCount;

        private Snapshot(Map<WatchedPath<?>, DigestTable> digests, Instant takenAt) {
            this.digests = new AtomicReference<>(Map.copyOf(digests));
            this.takenAt = takenAt;
            this.fileCount =
                    digests.values().stream().mapToInt(DigestTable::size).sum();
        }

        /**
         * How many files it held a digest of when taken.
         *
         * @return the number of files digested, over every path
         */
        public int fileCount() {
            return fileCount;
        }

        private Map<WatchedPath<?>, DigestTable> take() {
            return digests.getAndSet(Map.of());
        }
    }

    /**
     * Makes {@code paths} the watched set, e.g. after a config change altered its includes. Paths
     * kept (same path and key) keep their baseline, so a change already under way is still
     * reported; new paths are watched first and digested second, so nothing written in between is
     * missed; dropped paths are forgotten. Safe from any thread, including the listener.
     *
     * @param paths the new watched set; duplicates count once
     * @throws IllegalStateException when the watcher is closed
     */
    public void replaceWatched(Collection<WatchedPath<K>> paths) {
        List<WatchedPath<K>> next = List.copyOf(new LinkedHashSet<>(paths));
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("watcher is closed");
            }
            watched = next;
            if (started) {
                refreshWatches(baseline);
                baseline = settleWatches(
                        digestAll(next, baseline, Map.of(), ContentDigests.Reads.ALL), ContentDigests.Reads.ALL);
                applied = keyedLike(next, applied, baseline);
            }
        }
    }

    /**
     * Caller holds the lock. For each of {@code paths}: its table in {@code first}, else in {@code
     * second} (a path newly watched starts applied as it is now).
     */
    private static <K> Map<WatchedPath<K>, DigestTable> keyedLike(
            List<WatchedPath<K>> paths,
            Map<WatchedPath<K>, DigestTable> first,
            Map<WatchedPath<K>, DigestTable> second) {
        Map<WatchedPath<K>, DigestTable> result = new LinkedHashMap<>();
        for (WatchedPath<K> path : paths) {
            DigestTable table = first.get(path);
            result.put(path, table != null ? table : second.getOrDefault(path, DigestTable.EMPTY));
        }
        return result;
    }

    /**
     * Says, from the listener, that the change it is handling was not applied for a reason that
     * may pass (a check that timed out, a file gone for a moment): the change stays pending and
     * is reported again after {@code delay}, or with the next change if one comes first, dated
     * from its first event; unless the content went back to what was last applied, which
     * reports nothing. Without this call (or {@link #notAppliedUntilNextChange}) the change counts
     * as applied.
     *
     * @param delay how long before it is reported again; zero or positive
     * @throws IllegalStateException when not called from the listener, on the watcher's thread
     * @throws IllegalArgumentException when {@code delay} is negative
     */
    public void retryLater(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("retry delay must be zero or positive, found '" + delay + "'");
        }
        fromListener();
        outcome = new Outcome.RetryAfter(delay);
    }

    /**
     * Says, from the listener, that the change it is handling was not applied and cannot be as it
     * is (an invalid config): it is reported again, with what else differs from the content last
     * applied, at the next change; content that goes back to what was last applied reports nothing.
     *
     * @throws IllegalStateException when not called from the listener, on the watcher's thread
     */
    public void notAppliedUntilNextChange() {
        fromListener();
        outcome = new Outcome.OnNextChange();
    }

    private void fromListener() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("only the listener, on the watcher's thread, says what it applied");
        }
    }

    /**
     * The watched set.
     *
     * @return the watched paths, in the order given; unmodifiable
     */
    public List<WatchedPath<K>> watched() {
        synchronized (lock) {
            return watched;
        }
    }

    /**
     * Whether changes are found by polling.
     *
     * @return true when polling was forced or inotify was refused
     */
    public boolean polling() {
        synchronized (lock) {
            return source instanceof PollingHints;
        }
    }

    /** Stops the thread and releases the watches; later calls do nothing. */
    @Override
    public void close() {
        HintSource closing;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            closing = source;
        }
        Thread worker = thread;
        if (worker != null) {
            worker.interrupt();
            if (worker != Thread.currentThread()) {
                try {
                    // Stopping never waits on the watcher's work: a listener stuck in a read that
                    // ignores interrupts (a FIFO, a hung mount) is abandoned; the thread is a daemon.
                    if (!worker.join(CLOSE_GRACE)) {
                        LOG.warn(
                                "Watcher thread '{}' still busy {} ms after close; not waiting for it",
                                worker.getName(),
                                CLOSE_GRACE.toMillis());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (closing != null) {
            closing.close();
        }
    }

    private HintSource openSource() {
        if (forcePolling) {
            return new PollingHints(pollInterval, threadName + "-poll");
        }
        try {
            return inotify.open();
        } catch (HintSource.InotifyLimitException e) {
            return fallBackToPolling(null, e);
        }
    }

    private PollingHints fallBackToPolling(HintSource failed, HintSource.InotifyLimitException why) {
        if (failed != null) {
            failed.close();
        }
        PollingHints polling = new PollingHints(pollInterval, threadName + "-poll");
        LOG.warn(
                "inotify cannot be used ({}); finding changes by polling every {} ms instead. Raise the"
                        + " sysctl fs.inotify.max_user_watches (or fs.inotify.max_user_instances), e.g."
                        + " 'sysctl -w fs.inotify.max_user_watches=524288', to get events back",
                why.getMessage(), // its path is quoted and escaped where it was made
                pollInterval.toMillis());
        // The kernel may have dropped events while we switched: look again once.
        polling.nudge();
        return polling;
    }

    /**
     * Caller holds the lock. Plans the watches of the watched set, directories under a watched
     * directory taken from the last digest of it in {@code known} (walked when there is none).
     */
    private void refreshWatches(Map<WatchedPath<K>, DigestTable> known) {
        Map<Path, ContentDigests.Names> plan = new LinkedHashMap<>();
        for (WatchedPath<K> path : watched) {
            DigestTable table = known.get(path);
            ContentDigests.plan(path.path(), plan, table == null ? List.of() : table.directories());
        }
        planned = plan.keySet();
        Set<Path> directories = plan.keySet();
        source.relevantNames(plan);
        try {
            source.watch(directories);
        } catch (HintSource.InotifyLimitException e) {
            source = fallBackToPolling(source, e);
            try {
                source.relevantNames(plan);
                source.watch(directories);
            } catch (HintSource.InotifyLimitException impossible) {
                throw new IllegalStateException("polling has no watch limit", impossible);
            }
        }
    }

    /**
     * Caller holds the lock. Paths in {@code keep} keep that table; the others are digested,
     * reusing hashes from {@code previous} as {@code reads} allows.
     */
    private Map<WatchedPath<K>, DigestTable> digestAll(
            List<WatchedPath<K>> paths,
            Map<? extends WatchedPath<?>, DigestTable> keep,
            Map<WatchedPath<K>, DigestTable> previous,
            ContentDigests.Reads reads) {
        Map<WatchedPath<K>, DigestTable> result = new LinkedHashMap<>();
        for (WatchedPath<K> path : paths) {
            DigestTable kept = keep.get(path);
            result.put(
                    path,
                    kept != null
                            ? kept
                            : digests.digest(path.path(), previous.getOrDefault(path, DigestTable.EMPTY), reads));
        }
        return result;
    }

    /**
     * Caller holds the lock. An event pass: each directory root is brought up to date by reading
     * only the files the events named when its directories kept their stat ({@link
     * ContentDigests#rehashNamed}); other roots are walked, reading what was named or what the
     * stat says moved.
     */
    private Map<WatchedPath<K>, DigestTable> digestNamed(ContentDigests.Reads reads) {
        Map<WatchedPath<K>, DigestTable> result = new LinkedHashMap<>();
        for (WatchedPath<K> path : watched) {
            DigestTable previous = baseline.getOrDefault(path, DigestTable.EMPTY);
            result.put(
                    path,
                    digests.rehashNamed(path.path(), previous, reads.named())
                            .orElseGet(() -> digests.digest(path.path(), previous, reads)));
        }
        return result;
    }

    /**
     * Caller holds the lock, and {@link #refreshWatches} ran before {@code tables} were digested.
     * Watches are planned from the directories the last digest walked (not by walking again);
     * when a digest went through a directory not watched yet (a new sub-directory), it is watched
     * now and that root digested again, so that a write into it between the digest and the watch
     * is not lost. Returns the tables to use.
     */
    private Map<WatchedPath<K>, DigestTable> settleWatches(
            Map<WatchedPath<K>, DigestTable> tables, ContentDigests.Reads reads) {
        Map<WatchedPath<K>, DigestTable> current = tables;
        for (int round = 0; round < MAX_SETTLE_ROUNDS; round++) {
            List<WatchedPath<K>> unwatched = new ArrayList<>();
            for (Map.Entry<WatchedPath<K>, DigestTable> entry : current.entrySet()) {
                if (!planned.containsAll(entry.getValue().directories())) {
                    unwatched.add(entry.getKey());
                }
            }
            if (unwatched.isEmpty()) {
                return current;
            }
            refreshWatches(current);
            Map<WatchedPath<K>, DigestTable> again = new LinkedHashMap<>(current);
            for (WatchedPath<K> path : unwatched) {
                again.put(path, digests.digest(path.path(), current.get(path), reads));
            }
            current = again;
        }
        return current;
    }

    /**
     * The thread's body: the loop, restarted after anything unexpected (an error in a digest, an
     * OutOfMemoryError in the listener), so that no change is ever ignored for good because the
     * thread died silently. After such an error every watched path is digested again.
     */
    private void run() {
        while (true) {
            try {
                loop();
                return;
            } catch (InterruptedException e) {
                // close() interrupts: unwind.
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable unexpected) {
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                }
                LOG.error(
                        "Watcher thread failed; restarting its loop in {} ms and digesting every watched path again",
                        ERROR_BACKOFF.toMillis(),
                        unexpected);
                rescanFrom = clock.instant();
                try {
                    Thread.sleep(ERROR_BACKOFF); // a backoff, not a wait for an event
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void loop() throws InterruptedException {
        long quietNanos = quietPeriod.toNanos();
        long maxDelayNanos = Math.max(MIN_MAX_DELAY.toNanos(), quietNanos * MAX_DELAY_IN_QUIET_PERIODS);
        long safetyNanos = safetyNetInterval.toNanos();
        long nextSafetyNet = safetyNanos > 0 ? System.nanoTime() + safetyNanos : Long.MAX_VALUE;
        boolean pending = false;
        // Set by what needs every file read: an overflow (events lost), a rescan.
        boolean readAll = false;
        long burstStart = 0;
        long lastHint = 0;
        Instant firstEventAt = null;
        while (!Thread.currentThread().isInterrupted()) {
            HintSource current;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                current = source;
            }
            Instant rescan = rescanFrom;
            if (rescan != null) {
                // The listener found the content moved under it, or the loop restarted: a burst
                // as if an event had come, dated from when the change it belongs to began.
                rescanFrom = null;
                readAll = true;
                long now = System.nanoTime();
                if (!pending) {
                    pending = true;
                    burstStart = now;
                    firstEventAt = rescan;
                }
                lastHint = now;
            }
            long now = System.nanoTime();
            long deadline = pending
                    ? Math.min(lastHint + quietNanos, burstStart + maxDelayNanos)
                    : Math.min(nextSafetyNet, retryAt);
            // Right after a listener call, a look without waiting: events that came while it ran are
            // dated from its call (they are no later; the queue does not say when each came), not
            // from when the loop got to them, which may be the whole length of a blocked check later.
            Instant busySince = listenerCalledAt;
            listenerCalledAt = null;
            long timeout = busySince != null ? 0 : deadline == Long.MAX_VALUE ? -1 : Math.max(0, deadline - now);
            HintSource.Hint hint = current.await(timeout);
            now = System.nanoTime();
            if (hint != HintSource.Hint.NONE) {
                if (!pending) {
                    pending = true;
                    burstStart = now;
                    firstEventAt = busySince != null ? busySince : clock.instant();
                }
                lastHint = now;
                if (hint == HintSource.Hint.OVERFLOW) {
                    readAll = true;
                    LOG.debug("Event queue overflowed; the next digest covers every watched path");
                }
                continue;
            }
            if (pending && (now - lastHint >= quietNanos || now - burstStart >= maxDelayNanos)) {
                pending = false;
                Instant first = firstEventAt;
                firstEventAt = null;
                evaluate(first, readAll ? Pass.READ_ALL : Pass.EVENTS);
                readAll = false;
                nextSafetyNet = safetyNanos > 0 ? System.nanoTime() + safetyNanos : Long.MAX_VALUE;
            } else if (!pending && retryAt != Long.MAX_VALUE && now - retryAt >= 0) {
                // A change the listener kept pending: report it again, whether or not an event came.
                retryAt = Long.MAX_VALUE;
                evaluate(clock.instant(), Pass.RETRY);
            } else if (!pending && safetyNanos > 0 && now - nextSafetyNet >= 0) {
                Look look = safetyNetLook();
                if (look.walk()) {
                    evaluate(clock.instant(), Pass.SAFETY_NET);
                } else if (!look.read().isEmpty()) {
                    evaluate(clock.instant(), Pass.SAFETY_NET_FILES, look.read());
                }
                nextSafetyNet = System.nanoTime() + safetyNanos;
            }
        }
    }

    /**
     * Whether the watched content still is what the listener was last told (the digests reported),
     * for a listener about to act on it, e.g. right before it signals a server to read it. When it
     * moved, this returns true and the watcher looks again after a quiet period and reports the
     * difference, dated from {@code changeBegan}: the caller skips acting now and gets another call.
     * Digests every watched path. Call it from the listener: the watcher thread looks again as soon
     * as the listener returns.
     *
     * @param changeBegan when the change the caller is acting on began (usually its {@link
     *     ChangeSet#firstEventAt()}): the date of the next report when the content moved
     * @return true when the content differs from the digests last reported
     * @throws NullPointerException when {@code changeBegan} is null and the content moved
     */
    public boolean contentMovedSinceReport(Instant changeBegan) {
        synchronized (lock) {
            if (closed || !started) {
                return false;
            }
            // A stat per file, a read for each whose stat moved (or is too recent to trust).
            Map<WatchedPath<K>, DigestTable> now =
                    digestAll(watched, Map.of(), baseline, ContentDigests.Reads.CHANGED_STAT);
            if (sameContent(now, baseline)) {
                return false;
            }
        }
        rescanFrom = Objects.requireNonNull(changeBegan, "changeBegan");
        return true;
    }

    /**
     * The safety net's cheap look, before any walk: a stat of every directory walked last time (a
     * file created, deleted or renamed, a kubelet swap, a re-created directory change its stat),
     * of every watched file that is a root itself (a config file, through its symlinks), and of
     * at most {@value #SAFETY_NET_FILES} of the files under watched directories, round robin (an
     * in-place write changes the file's stat). True when any of them says the content may have
     * moved; the caller then runs the full pass (a stat per file, a read of what moved).
     *
     * <p>Why a slice: a walk of 10,001 JWTs costs ~75-125 ms of CPU on the 2 shared cores of our
     * bench machine (a stat each through {@code walkFileTree}), six times the idle budget of 20 ms
     * per minute with a 60 s safety net. In-place writes that no event announced are still found,
     * within {@code ceil(files / SAFETY_NET_FILES)} intervals (10 min for 10,001 JWTs at 60 s;
     * one interval up to {@value #SAFETY_NET_FILES} files); everything else within one interval.
     */
    private Look safetyNetLook() {
        synchronized (lock) {
            if (closed) {
                return Look.NOTHING;
            }
            Set<Path> read = new HashSet<>();
            int total = 0;
            for (Map.Entry<WatchedPath<K>, DigestTable> entry : baseline.entrySet()) {
                Path root = entry.getKey().path();
                DigestTable table = entry.getValue();
                if (ContentDigests.directoriesMoved(root, table)) {
                    return Look.WALK;
                }
                if (table.directoryStats().isEmpty()) {
                    for (int i = 0; i < table.size(); i++) {
                        switch (ContentDigests.fileMoved(root, table, i)) {
                            case WALK -> {
                                return Look.WALK;
                            }
                            case READ -> read.add(root);
                            case UNCHANGED -> {}
                        }
                    }
                } else {
                    total += table.size();
                }
            }
            if (total > 0) {
                int from = safetyNetCursor % total;
                int count = Math.min(total, SAFETY_NET_FILES);
                safetyNetCursor = (from + count) % total;
                int offset = 0;
                for (Map.Entry<WatchedPath<K>, DigestTable> entry : baseline.entrySet()) {
                    DigestTable table = entry.getValue();
                    if (table.directoryStats().isEmpty()) {
                        continue;
                    }
                    Path root = entry.getKey().path();
                    for (int k = 0; k < count; k++) {
                        int i = (from + k) % total - offset;
                        if (i < 0 || i >= table.size()) {
                            continue;
                        }
                        switch (ContentDigests.fileMoved(root, table, i)) {
                            case WALK -> {
                                return Look.WALK;
                            }
                            case READ -> read.add(root.resolve(table.name(i)));
                            case UNCHANGED -> {}
                        }
                    }
                    offset += table.size();
                }
            }
            return read.isEmpty() ? Look.NOTHING : new Look(false, read);
        }
    }

    /**
     * The safety net's look: nothing moved; some known files to read again (their stat moved, or
     * their hash is too recent to trust), without a walk; or a walk (a directory moved, a file is
     * gone or unreadable).
     */
    private record Look(boolean walk, Set<Path> read) {
        static final Look NOTHING = new Look(false, Set.of());
        static final Look WALK = new Look(true, Set.of());
    }

    /**
     * What started a pass: the safety net (no event: a stat per file, a read of what the stat says
     * moved), events (also a read of every file they named), or something that needs every file
     * read (a queue overflow, a restarted loop, content that moved under the listener).
     */
    private enum Pass {
        SAFETY_NET,
        SAFETY_NET_FILES,
        EVENTS,
        READ_ALL,
        /** A change the listener kept pending, reported again even when nothing moved since. */
        RETRY
    }

    private void evaluate(Instant firstEventAt, Pass pass) {
        evaluate(firstEventAt, pass, Set.of());
    }

    /** @param suspects for {@link Pass#SAFETY_NET_FILES}: the files the look says to read again */
    private void evaluate(Instant firstEventAt, Pass pass, Set<Path> suspects) {
        ChangeSet<K> changes;
        Map<WatchedPath<K>, DigestTable> reported;
        synchronized (lock) {
            if (closed) {
                return;
            }
            long started = System.nanoTime();
            // Watches first, digests second: whatever changes after the walk raises an event.
            refreshWatches(baseline);
            long watchedAt = System.nanoTime();
            HintSource.Named named = source.takeNamed();
            ContentDigests.Reads reads = switch (pass) {
                case SAFETY_NET -> ContentDigests.Reads.CHANGED_STAT;
                case SAFETY_NET_FILES -> {
                    Set<Path> read = new HashSet<>(suspects);
                    read.addAll(named.paths());
                    yield named.all() ? ContentDigests.Reads.ALL : ContentDigests.Reads.named(read);
                }
                case EVENTS -> named.all() ? ContentDigests.Reads.ALL : ContentDigests.Reads.named(named.paths());
                case READ_ALL, RETRY -> ContentDigests.Reads.ALL;
            };
            Map<WatchedPath<K>, DigestTable> digested =
                    (pass == Pass.EVENTS || pass == Pass.SAFETY_NET_FILES) && !reads.all()
                            ? digestNamed(reads)
                            : digestAll(watched, Map.of(), baseline, reads);
            Map<WatchedPath<K>, DigestTable> now = settleWatches(digested, reads);
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "Re-digest ({}): watches refreshed in {} us, {} files digested in {} us",
                        pass,
                        (watchedAt - started) / 1000,
                        now.values().stream().mapToInt(DigestTable::size).sum(),
                        (System.nanoTime() - watchedAt) / 1000);
            }
            // Nothing moved since the last look: nothing to report, unless a pending change is due
            // again (a retry; a rescan, which follows a listener that found the content moved).
            boolean moved = !sameContent(now, baseline);
            baseline = now;
            if (!moved && pass != Pass.RETRY && pass != Pass.READ_ALL) {
                return;
            }
            // Compared with what the listener last applied, not with the last look: a change it
            // did not apply is reported again, and content back to what it applied is no change.
            // The key is kept per watched root, not per file: a root's files all report its key.
            Set<K> keys = new LinkedHashSet<>();
            Set<Path> paths = new TreeSet<>();
            for (Map.Entry<WatchedPath<K>, DigestTable> entry : now.entrySet()) {
                WatchedPath<K> root = entry.getKey();
                DigestTable before = applied.getOrDefault(root, DigestTable.EMPTY);
                entry.getValue().differences(before, name -> {
                    keys.add(root.key());
                    paths.add(name.isEmpty() ? root.path() : root.path().resolve(name));
                });
            }
            if (keys.isEmpty()) {
                applied = now;
                retryAt = Long.MAX_VALUE;
                pendingSince = null;
                if (unapplied) {
                    unapplied = false;
                    LOG.info("The content is back to what was last applied; nothing to report");
                }
                return;
            }
            Instant first = pendingSince != null && pendingSince.isBefore(firstEventAt) ? pendingSince : firstEventAt;
            changes = new ChangeSet<>(keys, first, paths);
            reported = now;
        }
        if (pass == Pass.SAFETY_NET || pass == Pass.SAFETY_NET_FILES) {
            LOG.info(
                    "Safety-net re-digest found changes no event announced: {} in {}",
                    changes.keys(),
                    describe(changes.paths()));
        }
        outcome = Outcome.APPLIED;
        listenerCalledAt = clock.instant();
        runSafely(changes);
        Outcome said = outcome;
        outcome = Outcome.APPLIED;
        synchronized (lock) {
            switch (said) {
                case Outcome.Applied() -> {
                    // The listener may have replaced the watched set meanwhile: keep its new paths.
                    applied = keyedLike(watched, reported, applied);
                    pendingSince = null;
                    retryAt = Long.MAX_VALUE;
                    unapplied = false;
                }
                case Outcome.RetryAfter(Duration delay) -> {
                    pendingSince = changes.firstEventAt();
                    retryAt = System.nanoTime() + delay.toNanos();
                    unapplied = true;
                }
                case Outcome.OnNextChange() -> {
                    // A new change starts a new batch: its report is dated from its own event.
                    pendingSince = null;
                    retryAt = Long.MAX_VALUE;
                    unapplied = true;
                }
            }
        }
    }

    private static <K> boolean sameContent(Map<WatchedPath<K>, DigestTable> a, Map<WatchedPath<K>, DigestTable> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<WatchedPath<K>, DigestTable> entry : a.entrySet()) {
            if (!entry.getValue().sameContent(b.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private void runSafely(ChangeSet<K> changes) {
        try {
            listener.onChange(changes);
        } catch (Throwable e) {
            // OutOfMemoryError included: the listener's allocation failed, not the watcher's; its
            // memory is free again once the stack unwound.
            // The next change must still be seen: log and keep the thread alive.
            LOG.error(
                    "Change listener failed on {} ({}); still watching", changes.keys(), describe(changes.paths()), e);
        }
    }

    /** At most this many paths in one log line; a burst over thousands of files stays readable. */
    static final int PATHS_LOGGED = 10;

    /** {@code paths} for a log line: each quoted and escaped, the first {@link #PATHS_LOGGED} only. */
    static String describe(Collection<Path> paths) {
        StringBuilder line = new StringBuilder();
        paths.stream()
                .limit(PATHS_LOGGED)
                .forEach(path -> line.append(line.isEmpty() ? "" : ", ").append(SafeText.quote(path.toString())));
        if (paths.size() > PATHS_LOGGED) {
            line.append(" and ").append(paths.size() - PATHS_LOGGED).append(" more");
        }
        return line.toString();
    }

    /**
     * Configures a {@link ContentWatcher}. Setters validate their argument; {@link #build()}
     * requires a listener.
     *
     * @param <K> the caller's key type
     */
    public static final class Builder<K> {
        private final List<WatchedPath<K>> paths = new ArrayList<>();
        private Duration quietPeriod = Duration.ofMillis(500);
        private Duration safetyNetInterval = Duration.ofSeconds(30);
        private Duration pollInterval = Duration.ofSeconds(1);
        private boolean polling;
        private InstantSource clock = InstantSource.system();
        private ChangeListener<K> listener;
        private String threadName = "pot-nats-watch";
        private HintSourceFactory inotify = InotifyHints::open;
        private Snapshot baseline;

        private Builder() {}

        /**
         * Starts from {@code snapshot} instead of the content at {@link #start()}: paths in it
         * keep its digests, and a difference to the content at start is reported as a change.
         * A path keeps the snapshot's digests only when it was taken with the same path and an
         * equal key; other paths are digested at start.
         *
         * @param snapshot from {@link ContentWatcher#snapshot}; the watcher takes its digests out
         * @return this builder
         */
        public Builder<K> baseline(Snapshot snapshot) {
            this.baseline = Objects.requireNonNull(snapshot, "snapshot");
            return this;
        }

        /**
         * Watches {@code path} (a file or a directory, recursively; it may not exist yet).
         *
         * @param path the file or directory; made absolute and normalized
         * @param key what a change of its content means to the caller, reported in {@link
         *     ChangeSet#keys()}
         * @return this builder
         * @throws NullPointerException when {@code path} or {@code key} is null
         */
        public Builder<K> watch(Path path, K key) {
            paths.add(WatchedPath.of(path, key));
            return this;
        }

        /**
         * Watches each of {@code watched}, as {@link #watch} does.
         *
         * @param watched paths with their keys
         * @return this builder
         * @throws NullPointerException when an element is null
         */
        public Builder<K> watchAll(Collection<WatchedPath<K>> watched) {
            watched.forEach(path -> paths.add(Objects.requireNonNull(path, "watched path")));
            return this;
        }

        /**
         * How long no event must arrive before the content is digested; default 500 ms.
         *
         * @param quietPeriod positive, at most {@link ContentWatcher#MAX_QUIET_PERIOD}
         * @return this builder
         * @throws IllegalArgumentException when it is zero, negative or longer than one hour
         */
        public Builder<K> quietPeriod(Duration quietPeriod) {
            positive("quiet period", quietPeriod);
            if (quietPeriod.compareTo(MAX_QUIET_PERIOD) > 0) {
                throw new IllegalArgumentException("quiet period must be at most " + MAX_QUIET_PERIOD.toMinutes()
                        + " minutes, found '" + quietPeriod + "'");
            }
            this.quietPeriod = quietPeriod;
            return this;
        }

        /**
         * How often the content is digested with no event, to catch what events missed; default
         * 30 s, {@link Duration#ZERO} disables.
         *
         * @param interval zero (off) or positive
         * @return this builder
         * @throws IllegalArgumentException when it is negative
         */
        public Builder<K> safetyNetInterval(Duration interval) {
            Objects.requireNonNull(interval, "safety-net interval");
            if (interval.isNegative()) {
                throw new IllegalArgumentException(
                        "safety-net interval must be zero (off) or positive, found '" + interval + "'");
            }
            this.safetyNetInterval = interval;
            return this;
        }

        /**
         * Polls instead of using inotify (filesystems without events, tests); default false.
         *
         * @param polling true to poll even where inotify works
         * @return this builder
         */
        public Builder<K> polling(boolean polling) {
            this.polling = polling;
            return this;
        }

        /**
         * How often the poller looks, when polling is forced or inotify is refused; default 1 s.
         *
         * @param interval positive
         * @return this builder
         * @throws IllegalArgumentException when it is zero or negative
         */
        public Builder<K> pollInterval(Duration interval) {
            this.pollInterval = positive("poll interval", interval);
            return this;
        }

        /**
         * Stamps {@link ChangeSet#firstEventAt()}; default the system clock.
         *
         * @param clock the source of {@code firstEventAt}; durations are measured with {@link
         *     System#nanoTime()} whatever this is
         * @return this builder
         */
        public Builder<K> clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Who is told of changes, on the watcher thread (required).
         *
         * @param listener called once per burst that changed content
         * @return this builder
         */
        public Builder<K> listener(ChangeListener<K> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The watcher thread's name (the poller's gets {@code -poll}); default {@code pot-nats-watch}.
         *
         * @param name not blank
         * @return this builder
         * @throws IllegalArgumentException when it is blank
         */
        public Builder<K> threadName(String name) {
            Objects.requireNonNull(name, "thread name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("thread name must not be blank");
            }
            this.threadName = name;
            return this;
        }

        Builder<K> inotify(HintSourceFactory factory) {
            this.inotify = Objects.requireNonNull(factory, "hint source factory");
            return this;
        }

        /**
         * A watcher over the paths given so far; not started yet.
         *
         * @return the watcher; call {@link ContentWatcher#start()} next
         * @throws IllegalStateException when no listener was given
         */
        public ContentWatcher<K> build() {
            if (listener == null) {
                throw new IllegalStateException("a watcher needs a listener: call listener(...) before build()");
            }
            return new ContentWatcher<>(this);
        }

        private static Duration positive(String what, Duration value) {
            Objects.requireNonNull(value, what);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive, found '" + value + "'");
            }
            return value;
        }
    }
}
