package com.datasance.pot.nats.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.KubeletAtomicWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentWatcherTest {

    private static final Duration QUIET = Duration.ofMillis(100);

    @TempDir
    Path tmp;

    private final List<ContentWatcher<Cause>> watchers = new ArrayList<>();

    @AfterEach
    void closeWatchers() {
        watchers.forEach(ContentWatcher::close);
    }

    private ContentWatcher.Builder<Cause> builder(Recorder recorder) {
        return ContentWatcher.<Cause>builder()
                .quietPeriod(QUIET)
                .safetyNetInterval(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .listener(recorder);
    }

    private ContentWatcher<Cause> started(ContentWatcher.Builder<Cause> builder) {
        ContentWatcher<Cause> watcher = builder.build();
        watchers.add(watcher);
        watcher.start();
        return watcher;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    @Test
    void shouldReportEveryKubeletSwapOfAWatchedFile() throws Exception {
        KubeletAtomicWriter configMap = KubeletAtomicWriter.into(tmp.resolve("config"));
        configMap.writeText(Map.of("server.conf", "max_payload: 1000\n", "accounts.conf", "A\n"));
        Path serverConf = tmp.resolve("config/server.conf");
        Recorder recorder = new Recorder(serverConf);
        started(builder(recorder).watch(serverConf, Cause.CONFIG));

        for (int i = 1; i <= 6; i++) {
            configMap.writeText(Map.of("server.conf", "max_payload: " + (1000 + i) + "\n", "accounts.conf", "A\n"));
            Recorder.Call call = recorder.next();
            assertEquals(Set.of(Cause.CONFIG), call.changes().keys());
            assertEquals(Set.of(serverConf), call.changes().paths());
            assertEquals(Optional.of("max_payload: " + (1000 + i) + "\n"), call.probe());
        }
    }

    @Test
    void shouldReportEveryKubeletSwapOfAWatchedDirectoryWithSubdirectories() throws Exception {
        Path certs = tmp.resolve("certs");
        KubeletAtomicWriter secret = KubeletAtomicWriter.into(certs);
        secret.writeText(Map.of("tls.crt", "crt-0", "tls.key", "key-0", "ca/ca.crt", "ca-0"));
        Recorder recorder = new Recorder(certs.resolve("ca/ca.crt"));
        started(builder(recorder).watch(certs, Cause.SSL));

        for (int i = 1; i <= 6; i++) {
            boolean nested = i % 2 == 0;
            secret.writeText(Map.of(
                    "tls.crt",
                    nested ? "crt-" + (i - 1) : "crt-" + i,
                    "tls.key",
                    "key-0",
                    "ca/ca.crt",
                    nested ? "ca-" + i : "ca-" + (i - 1)));
            ChangeSet<Cause> changes = recorder.next().changes();
            assertEquals(Set.of(Cause.SSL), changes.keys());
            assertEquals(Set.of(nested ? certs.resolve("ca/ca.crt") : certs.resolve("tls.crt")), changes.paths());
        }
    }

    @Test
    void shouldSeeAWatchedFileAgainAfterItsWholeDirectoryIsReplaced() throws Exception {
        Path config = tmp.resolve("nats/config");
        Path conf = config.resolve("server.conf");
        write(conf, "1");
        Recorder recorder = new Recorder(conf);
        started(builder(recorder).watch(conf, Cause.CONFIG));

        PathUtils.deleteDirectory(config);
        assertEquals(Optional.empty(), recorder.next().probe());
        write(conf, "2");
        assertEquals(Optional.of("2"), recorder.next().probe());
        write(conf, "3");
        assertEquals(Optional.of("3"), recorder.next().probe());
    }

    @Test
    void shouldReportKeysAddedToAndRemovedFromASecret() throws Exception {
        Path certs = tmp.resolve("certs");
        KubeletAtomicWriter secret = KubeletAtomicWriter.into(certs);
        secret.writeText(Map.of("tls.crt", "c", "tls.key", "k"));
        Recorder recorder = new Recorder();
        started(builder(recorder).watch(certs, Cause.SSL));

        secret.writeText(Map.of("tls.crt", "c", "ca.crt", "a"));
        assertEquals(
                Set.of(certs.resolve("tls.key"), certs.resolve("ca.crt")),
                recorder.next().changes().paths());
    }

    @Test
    void shouldReportNothingForTheSameBytes() throws Exception {
        Path conf = tmp.resolve("server.conf");
        write(conf, "port: 4222\n");
        KubeletAtomicWriter secret = KubeletAtomicWriter.into(tmp.resolve("certs"));
        secret.writeText(Map.of("tls.crt", "crt"));
        Path other = tmp.resolve("creds/user.creds");
        write(other, "creds-1");
        Recorder recorder = new Recorder();
        started(builder(recorder)
                .watch(conf, Cause.CONFIG)
                .watch(tmp.resolve("certs"), Cause.SSL)
                .watch(tmp.resolve("creds"), Cause.CREDS));

        write(conf, "port: 4222\n");
        Files.setLastModifiedTime(conf, FileTime.from(Instant.now().plusSeconds(60)));
        secret.writeEvenIfUnchanged(KubeletAtomicWriter.utf8(Map.of("tls.crt", "crt")));
        // The only real change; it must arrive alone, without CONFIG or SSL beside it.
        write(other, "creds-2");

        ChangeSet<Cause> changes = recorder.next().changes();
        assertEquals(Set.of(Cause.CREDS), changes.keys());
        assertEquals(Set.of(other), changes.paths());
    }

    @Test
    void shouldReportABurstOfFiftyWritesOnceOrTwiceWithTheFinalContent() throws Exception {
        Path conf = tmp.resolve("server.conf");
        write(conf, "v0");
        Path sentinel = tmp.resolve("creds/sentinel");
        write(sentinel, "s0");
        Recorder recorder = new Recorder(conf);
        started(builder(recorder).watch(conf, Cause.CONFIG).watch(sentinel.getParent(), Cause.CREDS));

        long start = System.nanoTime();
        for (int i = 1; i <= 50; i++) {
            write(conf, "v" + i);
            // Pace the writer over about a second; this shapes the workload, it does not wait
            // for the watcher.
            LockSupport.parkNanos(start + i * TimeUnit.MILLISECONDS.toNanos(18) - System.nanoTime());
        }
        Recorder.Call first = recorder.next();
        assertEquals(Set.of(Cause.CONFIG), first.changes().keys());
        Recorder.Call last = first;
        if (!first.probe().equals(Optional.of("v50"))) {
            last = recorder.next();
            assertEquals(Set.of(Cause.CONFIG), last.changes().keys());
        }
        assertEquals(Optional.of("v50"), last.probe());
        // Nothing else is pending for the burst: the next report is the sentinel's, alone.
        write(sentinel, "s1");
        assertEquals(Set.of(Cause.CREDS), recorder.next().changes().keys());
    }

    @Test
    void shouldSeeEditorsTempFileRenameInPlaceWritesAndDeleteRecreate() throws Exception {
        Path conf = tmp.resolve("server.conf");
        write(conf, "a");
        Recorder recorder = new Recorder(conf);
        started(builder(recorder).watch(conf, Cause.CONFIG));

        Path temp = tmp.resolve(".server.conf.swp");
        write(temp, "b");
        Files.move(temp, conf, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(Optional.of("b"), recorder.next().probe());

        write(conf, "c");
        assertEquals(Optional.of("c"), recorder.next().probe());

        Files.delete(conf);
        write(conf, "d");
        Recorder.Call call = recorder.next();
        if (call.probe().isEmpty()) {
            call = recorder.next();
        }
        assertEquals(Optional.of("d"), call.probe());
    }

    @Test
    void shouldFollowASymlinkToAFileElsewhere() throws Exception {
        Path real = tmp.resolve("elsewhere/real.conf");
        write(real, "one");
        Path link = tmp.resolve("config/server.conf");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, real);
        Recorder recorder = new Recorder(link);
        started(builder(recorder).watch(link, Cause.CONFIG));

        write(real, "two");
        Recorder.Call call = recorder.next();
        assertEquals(Set.of(link), call.changes().paths());
        assertEquals(Optional.of("two"), call.probe());
    }

    @Test
    void shouldPickUpADirectoryCreatedAfterStart() throws Exception {
        Path creds = tmp.resolve("nats/creds");
        Recorder recorder = new Recorder(creds.resolve("sub/user.creds"));
        started(builder(recorder).watch(creds, Cause.CREDS));

        write(creds.resolve("sub/user.creds"), "one");
        Recorder.Call created = recorder.next();
        assertEquals(Set.of(Cause.CREDS), created.changes().keys());
        assertEquals(Optional.of("one"), created.probe());

        // Watched now, not just found once: an in-place write inside it is reported too.
        write(creds.resolve("sub/user.creds"), "two");
        assertEquals(Optional.of("two"), recorder.next().probe());
    }

    @Test
    void shouldWatchADirectoryAgainAfterItIsDeletedAndRecreated() throws Exception {
        Path jwt = tmp.resolve("jwt");
        write(jwt.resolve("A.jwt"), "a1");
        Recorder recorder = new Recorder(jwt.resolve("A.jwt"));
        started(builder(recorder).watch(jwt, Cause.JWT));

        PathUtils.deleteDirectory(jwt);
        Recorder.Call removed = recorder.next();
        assertEquals(Set.of(jwt.resolve("A.jwt")), removed.changes().paths());
        assertEquals(Optional.empty(), removed.probe());

        write(jwt.resolve("A.jwt"), "a2");
        assertEquals(Optional.of("a2"), recorder.next().probe());

        write(jwt.resolve("A.jwt"), "a3");
        assertEquals(Optional.of("a3"), recorder.next().probe());
    }

    @Test
    void shouldWatchSubdirectoriesRecursivelyIncludingNewOnes() throws Exception {
        Path ssl = tmp.resolve("ssl");
        Path deep = ssl.resolve("a/b/c/leaf.pem");
        write(deep, "1");
        Recorder recorder = new Recorder(ssl.resolve("x/y/new.pem"));
        started(builder(recorder).watch(ssl, Cause.SSL));

        write(deep, "2");
        assertEquals(Set.of(deep), recorder.next().changes().paths());

        write(ssl.resolve("x/y/new.pem"), "n1");
        assertEquals(Optional.of("n1"), recorder.next().probe());
        write(ssl.resolve("x/y/new.pem"), "n2");
        assertEquals(Optional.of("n2"), recorder.next().probe());
    }

    @Test
    void shouldCoalesceCausesAcrossPathsIntoOneCall() throws Exception {
        Path conf = tmp.resolve("server.conf");
        Path accounts = tmp.resolve("accounts.conf");
        write(conf, "1");
        write(accounts, "1");
        Recorder recorder = new Recorder();
        started(builder(recorder)
                .quietPeriod(Duration.ofMillis(300))
                .watch(conf, Cause.CONFIG)
                .watch(accounts, Cause.ACCOUNTS));

        write(conf, "2");
        write(accounts, "2");
        ChangeSet<Cause> changes = recorder.next().changes();
        assertEquals(Set.of(Cause.CONFIG, Cause.ACCOUNTS), changes.keys());
        assertEquals(Set.of(conf, accounts), changes.paths());
    }

    @Test
    void shouldReportTheCallersOwnKeysWhateverTheirType() throws Exception {
        // "Watch one more kind of path" is a new key on the caller's side: any value type works.
        record Route(String name, int priority) {}
        Path plugins = tmp.resolve("plugins");
        Path conf = tmp.resolve("server.conf");
        write(plugins.resolve("a.so"), "1");
        write(conf, "1");
        LinkedBlockingQueue<ChangeSet<Route>> calls = new LinkedBlockingQueue<>();
        ContentWatcher<Route> watcher = ContentWatcher.<Route>builder()
                .quietPeriod(QUIET)
                .safetyNetInterval(Duration.ZERO)
                .watch(plugins, new Route("plugins", 2))
                .watch(conf, new Route("config", 1))
                .listener(calls::add)
                .build();
        try (watcher) {
            watcher.start();
            write(plugins.resolve("a.so"), "2");
            ChangeSet<Route> changes = calls.poll(15, TimeUnit.SECONDS);
            assertNotNull(changes, "no change reported within 15 s");
            assertEquals(Set.of(new Route("plugins", 2)), changes.keys());
            assertEquals(Set.of(plugins.resolve("a.so")), changes.paths());
            assertTrue(changes.contains(new Route("plugins", 2)));
            assertFalse(changes.contains(new Route("config", 1)));
        }
    }

    @Test
    void shouldKeepChangeSetsImmutableAndNonEmpty() {
        Set<Cause> keys = new LinkedHashSet<>(List.of(Cause.JWT, Cause.CONFIG));
        ChangeSet<Cause> changes = new ChangeSet<>(keys, Instant.EPOCH, Set.of(Path.of("/etc/nats/jwt/A.jwt")));
        keys.add(Cause.SSL);

        assertTrue(changes.contains(Cause.JWT));
        assertFalse(changes.contains(Cause.SSL), "the set copies its keys");
        assertEquals(List.of(Cause.JWT, Cause.CONFIG), List.copyOf(changes.keys()), "in the order given");
        assertThrows(UnsupportedOperationException.class, () -> changes.keys().add(Cause.SSL));
        assertThrows(
                IllegalArgumentException.class, () -> new ChangeSet<>(Set.of(), Instant.EPOCH, Set.of(Path.of("x"))));
        assertThrows(
                IllegalArgumentException.class, () -> new ChangeSet<>(Set.of(Cause.CONFIG), Instant.EPOCH, Set.of()));
        Set<Cause> withNull = new HashSet<>();
        withNull.add(null);
        assertThrows(NullPointerException.class, () -> new ChangeSet<>(withNull, Instant.EPOCH, Set.of(Path.of("x"))));
        assertThrows(NullPointerException.class, () -> WatchedPath.of(Path.of("x"), null));
    }

    @Test
    void shouldRedigestEverythingOnQueueOverflow() throws Exception {
        Path conf = tmp.resolve("server.conf");
        write(conf, "before");
        ManualHints hints = new ManualHints();
        Recorder recorder = new Recorder(conf);
        started(builder(recorder).inotify(() -> hints).watch(conf, Cause.CONFIG));

        // The manual source reports no event for this write; only the overflow makes it seen.
        write(conf, "after");
        hints.overflow();
        Recorder.Call call = recorder.next();
        assertEquals(Set.of(conf), call.changes().paths());
        assertEquals(Optional.of("after"), call.probe());
    }

    @Test
    void shouldFindWhatEventsMissedWithTheSafetyNet() throws Exception {
        Path conf = tmp.resolve("server.conf");
        write(conf, "before");
        Recorder recorder = new Recorder(conf);
        started(builder(recorder)
                .inotify(ManualHints::new)
                .safetyNetInterval(Duration.ofMillis(200))
                .watch(conf, Cause.CONFIG));

        write(conf, "after");
        assertEquals(Optional.of("after"), recorder.next().probe());
    }

    @Test
    void shouldFindWhatEventsMissedInALargeDirectoryWithTheSafetyNetsSlices() throws Exception {
        Path dir = tmp.resolve("jwt");
        FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
        int files = ContentWatcher.SAFETY_NET_FILES * 2 + 500;
        for (int i = 0; i < files; i++) {
            Path file = dir.resolve("A" + i + ".jwt");
            write(file, "jwt-" + (10_000 + i));
            Files.setLastModifiedTime(file, old);
        }
        Files.setLastModifiedTime(dir, old);
        Path inPlace = dir.resolve("A" + (files - 3) + ".jwt");
        Recorder recorder = new Recorder(inPlace);
        started(builder(recorder)
                .inotify(ManualHints::new)
                .safetyNetInterval(Duration.ofMillis(100))
                .watch(dir, Cause.JWT));

        // An in-place write of the same size that no event announced: found by a slice.
        write(inPlace, "jwt-99999");
        Recorder.Call call = recorder.next();
        assertEquals(Set.of(inPlace), call.changes().paths());
        assertEquals(Optional.of("jwt-99999"), call.probe());

        // A new file changes the directory's stat: found by the next look.
        Path added = dir.resolve("B.jwt");
        write(added, "new");
        assertEquals(Set.of(added), recorder.next().changes().paths());
    }

    @Test
    void shouldReadAFileAnEventNamedEvenWhenItsStatLooksUnchanged() throws Exception {
        Path dir = tmp.resolve("jwt");
        FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
        for (int i = 0; i < 50; i++) {
            write(dir.resolve("A" + i + ".jwt"), "jwt-" + (100 + i));
            Files.setLastModifiedTime(dir.resolve("A" + i + ".jwt"), old);
        }
        Path file = dir.resolve("A7.jwt");
        Recorder recorder = new Recorder(file);
        started(builder(recorder).watch(dir, Cause.JWT));

        // Same size, the old mtime put back: only the event's name makes the pass read it.
        write(file, "jwt-999");
        Files.setLastModifiedTime(file, old);
        Recorder.Call call = recorder.next();
        assertEquals(Set.of(file), call.changes().paths());
        assertEquals(Optional.of("jwt-999"), call.probe());
    }

    @Test
    void shouldRereadOnlyTheNamedFilesWhileNoDirectoryMoved() throws Exception {
        Path dir = tmp.resolve("jwt");
        FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
        for (int i = 0; i < 100; i++) {
            write(dir.resolve("A" + i + ".jwt"), "jwt-" + (100 + i));
            Files.setLastModifiedTime(dir.resolve("A" + i + ".jwt"), old);
        }
        Files.setLastModifiedTime(dir, old);
        ContentDigests digests = new ContentDigests();
        DigestTable before = digests.digest(dir);
        Path a7 = dir.resolve("A7.jwt");
        write(a7, "jwt-999");
        write(dir.resolve("A8.jwt"), "jwt-888"); // not named: left to the safety net

        DigestTable after = digests.rehashNamed(dir, before, Set.of(a7)).orElseThrow();
        List<String> changed = new ArrayList<>();
        after.differences(before, changed::add);
        assertEquals(List.of("A7.jwt"), changed);
        assertEquals(before.directories(), after.directories());

        // A named path that is no known file, or a directory whose stat moved: the caller walks.
        assertTrue(
                digests.rehashNamed(dir, before, Set.of(dir.resolve("B.jwt"))).isEmpty());
        assertTrue(digests.rehashNamed(dir, before, Set.of(dir)).isEmpty());
        write(dir.resolve("B.jwt"), "new");
        assertTrue(digests.rehashNamed(dir, before, Set.of(a7)).isEmpty());
        // A file root is always walked (a stat and, when it moved, a read).
        assertTrue(digests.rehashNamed(a7, digests.digest(a7), Set.of(a7)).isEmpty());
    }

    @Test
    void shouldFindChangesByPollingWhenForced() throws Exception {
        KubeletAtomicWriter configMap = KubeletAtomicWriter.into(tmp.resolve("config"));
        configMap.writeText(Map.of("server.conf", "1"));
        Path conf = tmp.resolve("config/server.conf");
        Path creds = tmp.resolve("creds");
        Recorder recorder = new Recorder(conf);
        ContentWatcher<Cause> watcher = started(
                builder(recorder).polling(true).watch(conf, Cause.CONFIG).watch(creds, Cause.CREDS));
        assertTrue(watcher.polling());

        for (int i = 2; i <= 4; i++) {
            configMap.writeText(Map.of("server.conf", String.valueOf(i)));
            assertEquals(Optional.of(String.valueOf(i)), recorder.next().probe());
        }
        write(creds.resolve("user.creds"), "late");
        assertEquals(Set.of(Cause.CREDS), recorder.next().changes().keys());
    }

    @Test
    void shouldFallBackToPollingWhenTheKernelRefusesWatches() throws Exception {
        Path conf = tmp.resolve("server.conf");
        write(conf, "1");
        Recorder recorder = new Recorder(conf);
        ContentWatcher<Cause> watcher = started(builder(recorder)
                .inotify(() -> new ManualHints() {
                    @Override
                    public void watch(Set<Path> directories) throws InotifyLimitException {
                        throw new InotifyLimitException(
                                "cannot watch '" + directories.iterator().next()
                                        + "': User limit of inotify watches reached",
                                null);
                    }
                })
                .watch(conf, Cause.CONFIG));
        assertTrue(watcher.polling());

        write(conf, "2");
        assertEquals(Optional.of("2"), recorder.next().probe());
    }

    @Test
    void shouldFallBackToPollingWhenNoInotifyInstanceIsLeft() throws Exception {
        Path conf = tmp.resolve("server.conf");
        write(conf, "1");
        Recorder recorder = new Recorder(conf);
        ContentWatcher<Cause> watcher = started(builder(recorder)
                .inotify(() -> {
                    throw new HintSource.InotifyLimitException("User limit of inotify instances reached", null);
                })
                .watch(conf, Cause.CONFIG));
        assertTrue(watcher.polling());

        write(conf, "2");
        assertEquals(Optional.of("2"), recorder.next().probe());
    }

    @Test
    void shouldKeepWatchingWhenTheListenerThrows() throws Exception {
        Path conf = tmp.resolve("server.conf");
        write(conf, "1");
        AtomicInteger calls = new AtomicInteger();
        Recorder recorder = new Recorder(conf);
        started(builder(recorder)
                .listener(changes -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("listener failure on purpose");
                    }
                    recorder.onChange(changes);
                })
                .watch(conf, Cause.CONFIG));

        write(conf, "2");
        // The first report fails in the listener; the watcher must still report the next one.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> calls.get() == 1);
        write(conf, "3");
        assertEquals(Optional.of("3"), recorder.next().probe());
        assertEquals(2, calls.get());
    }

    @Test
    void shouldKeepBaselinesAndWatchNewPathsWhenTheWatchedSetIsReplaced() throws Exception {
        Path conf = tmp.resolve("server.conf");
        Path included = tmp.resolve("inc/cluster.conf");
        Path dropped = tmp.resolve("old.conf");
        write(conf, "1");
        write(included, "1");
        write(dropped, "1");
        Recorder recorder = new Recorder();
        ContentWatcher<Cause> watcher =
                started(builder(recorder).watch(conf, Cause.CONFIG).watch(dropped, Cause.CONFIG));

        watcher.replaceWatched(List.of(WatchedPath.of(conf, Cause.CONFIG), WatchedPath.of(included, Cause.CONFIG)));
        assertEquals(2, watcher.watched().size());
        write(dropped, "2");
        write(included, "2");
        assertEquals(Set.of(included), recorder.next().changes().paths());

        write(conf, "2");
        assertEquals(Set.of(conf), recorder.next().changes().paths());
    }

    @Test
    void shouldReplaceTheWatchedSetFromInsideTheListener() throws Exception {
        Path conf = tmp.resolve("server.conf");
        Path included = tmp.resolve("inc/tls.conf");
        write(conf, "include inc/tls.conf");
        CountDownLatch replaced = new CountDownLatch(1);
        Recorder recorder = new Recorder();
        AtomicReference<ContentWatcher<Cause>> self = new AtomicReference<>();
        self.set(started(builder(recorder)
                .listener(changes -> {
                    recorder.onChange(changes);
                    if (replaced.getCount() > 0) {
                        self.get()
                                .replaceWatched(List.of(
                                        WatchedPath.of(conf, Cause.CONFIG), WatchedPath.of(included, Cause.CONFIG)));
                        replaced.countDown();
                    }
                })
                .watch(conf, Cause.CONFIG)));

        write(conf, "include inc/tls.conf # now");
        assertEquals(Set.of(conf), recorder.next().changes().paths());
        assertTrue(replaced.await(15, TimeUnit.SECONDS));
        write(included, "tls {}");
        assertEquals(Set.of(included), recorder.next().changes().paths());
    }

    @Test
    void shouldCloseIdempotentlyAndJoinItsThread() throws Exception {
        Path conf = tmp.resolve("server.conf");
        write(conf, "1");
        String name = "watch-close-test-" + System.nanoTime();
        ContentWatcher<Cause> watcher =
                started(builder(new Recorder()).threadName(name).watch(conf, Cause.CONFIG));
        assertTrue(threadsNamed(name) > 0);

        watcher.close();
        watcher.close();
        assertEquals(0, threadsNamed(name));
        assertThrows(IllegalStateException.class, watcher::start);
    }

    @Test
    void shouldRejectBadSettings() {
        ContentWatcher.Builder<Cause> builder = ContentWatcher.<Cause>builder();
        assertThrows(IllegalArgumentException.class, () -> builder.quietPeriod(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> builder.safetyNetInterval(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> builder.pollInterval(Duration.ZERO));
        IllegalStateException noListener = assertThrows(IllegalStateException.class, builder::build);
        assertTrue(noListener.getMessage().contains("listener"));
    }

    @Test
    void shouldNotCountKubeletInternalEntriesAsContent() throws Exception {
        KubeletAtomicWriter secret = KubeletAtomicWriter.into(tmp.resolve("certs"));
        secret.writeText(Map.of("tls.crt", "x", "sub/ca.crt", "y"));
        Map<Path, String> digests =
                new ContentDigests().digest(tmp.resolve("certs")).asMap();
        assertEquals(Set.of(Path.of("tls.crt"), Path.of("sub/ca.crt")), digests.keySet());
        assertFalse(digests.containsValue(ContentDigests.UNREADABLE));
    }

    @Test
    void shouldReuseAHashOnlyForAnUnchangedOldFileThatNoEventNamed() throws Exception {
        Path file = tmp.resolve("A.jwt");
        write(file, "aaaa");
        FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
        Files.setLastModifiedTime(file, old);
        ContentDigests digests = new ContentDigests();
        DigestTable first = digests.digest(file);

        // Same size, new mtime: hashed again even when the stat may vouch.
        write(file, "bbbb");
        DigestTable second = digests.digest(file, first, ContentDigests.Reads.CHANGED_STAT);
        assertFalse(hash(first).equals(hash(second)));

        // Same size and the old mtime put back (what a missed same-tick rewrite looks like): a
        // pass with no event naming it trusts the stamp; a pass whose events named the file, or
        // the watched directory it is in, reads the bytes.
        Files.setLastModifiedTime(file, old);
        DigestTable reread = digests.digest(file);
        write(file, "cccc");
        Files.setLastModifiedTime(file, old);
        String trusted = hash(digests.digest(file, reread, ContentDigests.Reads.CHANGED_STAT));
        String named = hash(digests.digest(file, reread, ContentDigests.Reads.named(Set.of(file))));
        String otherNamed =
                hash(digests.digest(file, reread, ContentDigests.Reads.named(Set.of(tmp.resolve("B.jwt")))));
        assertEquals(hash(second), trusted);
        assertEquals(trusted, otherNamed);
        assertFalse(named.equals(trusted));
        assertEquals(named, hash(digests.digest(file)));
    }

    @Test
    void shouldNotTrustAHashTakenWithinTheRacyWindowOfTheMtime() throws Exception {
        Path file = tmp.resolve("A.jwt");
        write(file, "aaaa"); // mtime now: too recent to vouch for the bytes
        ContentDigests digests = new ContentDigests();
        DigestTable first = digests.digest(file);
        FileTime mtime = Files.getLastModifiedTime(file);
        write(file, "bbbb");
        Files.setLastModifiedTime(file, mtime);
        DigestTable second = digests.digest(file, first, ContentDigests.Reads.CHANGED_STAT);
        assertFalse(hash(first).equals(hash(second)));
    }

    @Test
    void shouldKeepOneCompactTableOfADirectoryAndFindEachDifference() throws Exception {
        Path dir = tmp.resolve("jwt");
        Files.createDirectories(dir.resolve("sub"));
        for (int i = 0; i < 300; i++) {
            write(dir.resolve("A" + i + ".jwt"), "jwt " + i);
        }
        write(dir.resolve("sub/x"), "x");
        ContentDigests digests = new ContentDigests();
        DigestTable before = digests.digest(dir);
        assertEquals(301, before.size());
        assertEquals(List.of(dir, dir.resolve("sub")), before.directories());
        write(dir.resolve("A7.jwt"), "changed");
        Files.delete(dir.resolve("A8.jwt"));
        write(dir.resolve("B.jwt"), "new");
        DigestTable after = digests.digest(dir, before, ContentDigests.Reads.CHANGED_STAT);
        List<String> changed = new ArrayList<>();
        after.differences(before, changed::add);
        assertEquals(List.of("A7.jwt", "A8.jwt", "B.jwt"), changed);
        assertFalse(after.sameContent(before));
        assertTrue(digests.digest(dir, after, ContentDigests.Reads.ALL).sameContent(after));

        // An event naming the watched directory itself (deleted and re-created) reads all under it.
        FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
        Files.setLastModifiedTime(dir.resolve("sub/x"), old);
        DigestTable settled = digests.digest(dir);
        write(dir.resolve("sub/x"), "y");
        Files.setLastModifiedTime(dir.resolve("sub/x"), old);
        List<String> named = new ArrayList<>();
        digests.digest(dir, settled, ContentDigests.Reads.named(Set.of(dir))).differences(settled, named::add);
        assertEquals(List.of("sub/x"), named);
    }

    private static String hash(DigestTable table) {
        return table.asMap().get(Path.of(""));
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
                .count();
    }
}
