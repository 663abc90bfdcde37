package com.datasance.pot.nats.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11: the watcher survives its listener, reports what changed before it started, and more. */
class HardeningTest {

    private static final Duration QUIET = Duration.ofMillis(100);

    @TempDir
    Path tmp;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private ContentWatcher<Cause> started(ContentWatcher.Builder<Cause> builder) {
        ContentWatcher<Cause> watcher =
                builder.quietPeriod(QUIET).safetyNetInterval(Duration.ZERO).build();
        closing.add(watcher);
        watcher.start();
        return watcher;
    }

    private static ChangeSet<Cause> next(LinkedBlockingQueue<ChangeSet<Cause>> calls) throws InterruptedException {
        ChangeSet<Cause> changes = calls.poll(15, TimeUnit.SECONDS);
        if (changes == null) {
            throw new AssertionError("no change reported within 15 s");
        }
        return changes;
    }

    @Test
    void shouldKeepReportingAfterTheListenerRanOutOfMemory() throws Exception {
        Path conf = tmp.resolve("server.conf");
        Files.writeString(conf, "a");
        LinkedBlockingQueue<ChangeSet<Cause>> calls = new LinkedBlockingQueue<>();
        AtomicBoolean first = new AtomicBoolean(true);
        ChangeListener<Cause> listener = changes -> {
            calls.add(changes);
            if (first.getAndSet(false)) {
                throw new OutOfMemoryError("simulated: a config too large for the heap");
            }
        };
        started(ContentWatcher.<Cause>builder().watch(conf, Cause.CONFIG).listener(listener));
        Files.writeString(conf, "b");
        next(calls);
        Files.writeString(conf, "c");
        assertEquals(Set.of(Cause.CONFIG), next(calls).keys());
    }

    @Test
    void shouldReportAChangeMadeBetweenTheSnapshotAndTheStart() throws Exception {
        Path conf = tmp.resolve("server.conf");
        Files.writeString(conf, "before nats-server read it");
        ContentWatcher.Snapshot snapshot = ContentWatcher.snapshot(List.of(WatchedPath.of(conf, Cause.CONFIG)));
        assertEquals(1, snapshot.fileCount());
        Files.writeString(conf, "changed while nats-server started");
        LinkedBlockingQueue<ChangeSet<Cause>> calls = new LinkedBlockingQueue<>();
        started(ContentWatcher.<Cause>builder()
                .watch(conf, Cause.CONFIG)
                .baseline(snapshot)
                .listener(calls::add));
        assertEquals(Set.of(conf), next(calls).paths());
    }

    @Test
    void shouldReportNothingWhenTheSnapshotStillHolds() throws Exception {
        Path conf = tmp.resolve("server.conf");
        Files.writeString(conf, "same");
        ContentWatcher.Snapshot snapshot = ContentWatcher.snapshot(List.of(WatchedPath.of(conf, Cause.CONFIG)));
        LinkedBlockingQueue<ChangeSet<Cause>> calls = new LinkedBlockingQueue<>();
        started(ContentWatcher.<Cause>builder()
                .watch(conf, Cause.CONFIG)
                .baseline(snapshot)
                .listener(calls::add));
        // A later real change is reported, and is the first report: the start reported nothing.
        Files.writeString(conf, "other");
        ChangeSet<Cause> changes = next(calls);
        assertEquals(Set.of(conf), changes.paths());
        assertEquals(0, calls.size());
    }

    @Test
    void shouldGoRoundAgainWhenTheContentMovedUnderTheListener() throws Exception {
        Path conf = tmp.resolve("server.conf");
        Files.writeString(conf, "v1");
        LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<ContentWatcher<Cause>> self = new AtomicReference<>();
        CountDownLatch built = new CountDownLatch(1);
        ChangeListener<Cause> listener = changes -> {
            try {
                built.await();
                String content = Files.readString(conf, StandardCharsets.UTF_8);
                if (calls.incrementAndGet() == 1) {
                    // The file changes while the listener checks it: it must not act on it.
                    Files.writeString(conf, "v3");
                    assertTrue(self.get().contentMovedSinceReport(changes.firstEventAt()));
                    seen.add("moved:" + content);
                } else {
                    assertFalse(self.get().contentMovedSinceReport(changes.firstEventAt()));
                    seen.add("settled:" + content);
                }
            } catch (Exception e) {
                seen.add("failed: " + e);
            }
        };
        self.set(started(
                ContentWatcher.<Cause>builder().watch(conf, Cause.CONFIG).listener(listener)));
        built.countDown();
        Files.writeString(conf, "v2");
        assertEquals("moved:v2", seen.poll(15, TimeUnit.SECONDS));
        assertEquals("settled:v3", seen.poll(15, TimeUnit.SECONDS));
    }

    @Test
    void shouldNotWaitForAListenerThatIgnoresInterrupts() throws Exception {
        Path conf = tmp.resolve("server.conf");
        Files.writeString(conf, "a");
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ChangeListener<Cause> stuck = changes -> {
            inListener.countDown();
            // Like a read of a FIFO: interrupts do not end it.
            while (true) {
                try {
                    if (release.await(10, TimeUnit.SECONDS)) {
                        return;
                    }
                } catch (InterruptedException ignored) {
                    // keep blocking, as a stuck read would
                }
            }
        };
        ContentWatcher<Cause> watcher = started(
                ContentWatcher.<Cause>builder().watch(conf, Cause.CONFIG).listener(stuck));
        Files.writeString(conf, "b");
        assertTrue(inListener.await(15, TimeUnit.SECONDS));
        Thread closer = Thread.ofPlatform().start(watcher::close);
        closer.join(Duration.ofSeconds(15));
        boolean closed = !closer.isAlive();
        release.countDown();
        assertTrue(closed, "close() waited for a listener stuck in an uninterruptible call");
    }

    @Test
    void shouldRejectAQuietPeriodThatWouldOverflow() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ContentWatcher.<Cause>builder().quietPeriod(Duration.ofHours(100_000)));
        assertTrue(e.getMessage().contains("at most 60 minutes"), e.getMessage());
    }

    /** Plans {@code file}'s directories and tells {@code hints} which names matter, as the watcher does. */
    private static void watchAsTheWatcherDoes(HintSource hints, Path file) throws Exception {
        Map<Path, ContentDigests.Names> plan = new java.util.LinkedHashMap<>();
        ContentDigests.plan(file, plan);
        hints.relevantNames(plan);
        hints.watch(plan.keySet());
    }

    @Test
    void shouldIgnoreEventsForNamesNobodyWatches() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("config"));
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "a");
        InotifyHints hints = InotifyHints.open();
        closing.add(hints);
        watchAsTheWatcherDoes(hints, conf);
        // A busy log file beside server.conf: no hint, however often it is written.
        Files.writeString(dir.resolve("nats.log"), "line\n");
        assertEquals(HintSource.Hint.NONE, hints.await(TimeUnit.MILLISECONDS.toNanos(300)));
        // The log's events arrive first; one wait must pass over them to the config's change.
        Files.writeString(dir.resolve("nats.log"), "more\n");
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200);
                Files.writeString(conf, "b");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        closing.add(writer::join);
        assertEquals(HintSource.Hint.EVENT, hints.await(TimeUnit.SECONDS.toNanos(15)));
    }

    @Test
    void shouldIgnoreChangesOfNamesNobodyWatchesWhenPolling() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("config"));
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "a");
        PollingHints hints = new PollingHints(Duration.ofMillis(20), "polling-test");
        closing.add(hints);
        watchAsTheWatcherDoes(hints, conf);
        // Twenty polls see the busy log beside server.conf: no hint from any of them.
        Files.writeString(dir.resolve("nats.log"), "line\n");
        assertEquals(HintSource.Hint.NONE, hints.await(TimeUnit.MILLISECONDS.toNanos(400)));
        Files.writeString(conf, "bb");
        assertEquals(HintSource.Hint.EVENT, hints.await(TimeUnit.SECONDS.toNanos(15)));
    }

    @Test
    void shouldSeeASwapBehindAWatchedDirectoryThatIsASymlink() throws Exception {
        // NATS_JWT_DIR=/etc/nats/jwt -> a volume elsewhere whose ..data is swapped by kubelet.
        Path volume = Files.createDirectories(tmp.resolve("volume"));
        Path first = Files.createDirectories(volume.resolve("..2026_01"));
        Files.writeString(first.resolve("A.jwt"), "one");
        Files.createSymbolicLink(volume.resolve("..data"), Path.of("..2026_01"));
        Files.createSymbolicLink(volume.resolve("jwt"), Path.of("..data"));
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        Path jwt = etc.resolve("jwt");
        Files.createSymbolicLink(jwt, volume.resolve("jwt"));
        LinkedBlockingQueue<ChangeSet<Cause>> calls = new LinkedBlockingQueue<>();
        // No safety net: only an inotify event can report the swap.
        started(ContentWatcher.<Cause>builder().watch(jwt, Cause.JWT).listener(calls::add));
        Path second = Files.createDirectories(volume.resolve("..2026_02"));
        Files.writeString(second.resolve("A.jwt"), "two");
        Files.createSymbolicLink(volume.resolve("..data_tmp"), Path.of("..2026_02"));
        Files.move(volume.resolve("..data_tmp"), volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
        ChangeSet<Cause> changes = next(calls);
        assertEquals(Set.of(Cause.JWT), changes.keys());
        assertEquals(Set.of(jwt.resolve("A.jwt")), changes.paths());
    }
}
