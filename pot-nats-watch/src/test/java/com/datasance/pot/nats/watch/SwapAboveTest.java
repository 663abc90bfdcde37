package com.datasance.pot.nats.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Red team D1 and D2: a change made above the watched directories is an event at once, not a find
 * of the safety net (off in these tests, so only an event can report it): the whole config
 * directory swapped by rename, and a symlink swapped in another directory on the way to the
 * watched file.
 */
class SwapAboveTest {

    private static final Duration QUIET = Duration.ofMillis(100);
    private static final long DEADLINE_SECONDS = 15;

    @TempDir
    Path tmp;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    /** A report and what the probe file held when the listener ran. */
    private record Call(ChangeSet<Cause> changes, Optional<String> probe) {}

    private LinkedBlockingQueue<Call> watch(Path probe, Map<Path, Cause> paths) {
        return watch(probe, paths, false);
    }

    private LinkedBlockingQueue<Call> watch(Path probe, Map<Path, Cause> paths, boolean polling) {
        LinkedBlockingQueue<Call> calls = new LinkedBlockingQueue<>();
        ContentWatcher.Builder<Cause> builder = ContentWatcher.<Cause>builder()
                .polling(polling)
                .pollInterval(Duration.ofMillis(50))
                .quietPeriod(QUIET)
                .safetyNetInterval(Duration.ZERO)
                .listener(changes -> calls.add(new Call(changes, read(probe))));
        paths.forEach(builder::watch);
        ContentWatcher<Cause> watcher = builder.build();
        closing.add(watcher);
        watcher.start();
        return calls;
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    /**
     * The report whose probe holds {@code content}: a slow machine may split one swap into two
     * bursts (the directory gone, then back), each reported.
     */
    private static Call reportOf(LinkedBlockingQueue<Call> calls, String content) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (true) {
            Call call = calls.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (call == null) {
                throw new AssertionError("no report of '" + content + "' within " + DEADLINE_SECONDS + " s");
            }
            if (call.probe().equals(Optional.of(content))) {
                return call;
            }
        }
    }

    private static void swapLink(Path link, String target) throws IOException {
        // ln -s TARGET tmp && mv -T tmp LINK, as kubelet swaps ..data.
        Path temporary = link.resolveSibling(link.getFileName() + ".tmp");
        Files.createSymbolicLink(temporary, Path.of(target));
        Files.move(temporary, link, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void shouldSeeTheConfigDirectorySwappedByRename() throws Exception {
        configDirectorySwappedByRename(false);
    }

    @Test
    void shouldSeeTheConfigDirectorySwappedByRenameWhenPolling() throws Exception {
        configDirectorySwappedByRename(true);
    }

    private void configDirectorySwappedByRename(boolean polling) throws Exception {
        Path cfg = Files.createDirectories(tmp.resolve("cfg"));
        Path conf = cfg.resolve("server.conf");
        Path inc = cfg.resolve("inc.conf");
        Files.writeString(conf, "max_payload: 1000\ninclude ./inc.conf\n");
        Files.writeString(inc, "max_connections: 10\n");
        LinkedBlockingQueue<Call> calls = watch(inc, Map.of(conf, Cause.CONFIG, inc, Cause.ACCOUNTS), polling);

        Path next = Files.createDirectories(tmp.resolve("cfg.new"));
        Files.writeString(next.resolve("server.conf"), "max_payload: 3000\ninclude ./inc.conf\n");
        Files.writeString(next.resolve("inc.conf"), "max_connections: 999\n");
        Path old = tmp.resolve("cfg.old");
        Files.move(cfg, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(next, cfg, StandardCopyOption.ATOMIC_MOVE);
        Call swapped = reportOf(calls, "max_connections: 999\n");
        assertEquals(Set.of(Cause.CONFIG, Cause.ACCOUNTS), swapped.changes().keys());
        assertEquals(Set.of(conf, inc), swapped.changes().paths());

        // The new directory is watched; the old one no longer counts.
        Files.writeString(old.resolve("inc.conf"), "max_connections: 1\n");
        Files.writeString(inc, "max_connections: 500\n");
        Call edited = reportOf(calls, "max_connections: 500\n");
        assertEquals(Set.of(inc), edited.changes().paths());
    }

    @Test
    void shouldSeeAWatchedTreeSwappedByRename() throws Exception {
        Path ssl = Files.createDirectories(tmp.resolve("ssl"));
        Files.writeString(ssl.resolve("tls.crt"), "one");
        LinkedBlockingQueue<Call> calls = watch(ssl.resolve("tls.crt"), Map.of(ssl, Cause.SSL));

        Path next = Files.createDirectories(tmp.resolve("ssl.new"));
        Files.writeString(next.resolve("tls.crt"), "two");
        Files.move(ssl, tmp.resolve("ssl.old"), StandardCopyOption.ATOMIC_MOVE);
        Files.move(next, ssl, StandardCopyOption.ATOMIC_MOVE);
        Call swapped = reportOf(calls, "two");
        assertEquals(Set.of(ssl.resolve("tls.crt")), swapped.changes().paths());
        Files.writeString(ssl.resolve("tls.crt"), "three");
        reportOf(calls, "three");
    }

    @Test
    void shouldSeeASymlinkSwappedInAnotherDirectory() throws Exception {
        // NATS_CONF -> $S/el/current/server.conf (absolute), $S/el/current -> v1.
        Path el = tmp.resolve("el");
        Files.writeString(Files.createDirectories(el.resolve("v1")).resolve("server.conf"), "max_payload: 1000\n");
        Files.writeString(Files.createDirectories(el.resolve("v2")).resolve("server.conf"), "max_payload: 2000\n");
        Files.createSymbolicLink(el.resolve("current"), Path.of("v1"));
        Path conf = Files.createDirectories(tmp.resolve("cfg")).resolve("server.conf");
        Files.createSymbolicLink(conf, el.resolve("current/server.conf"));
        LinkedBlockingQueue<Call> calls = watch(conf, Map.of(conf, Cause.CONFIG));

        swapLink(el.resolve("current"), "v2");
        Call swapped = reportOf(calls, "max_payload: 2000\n");
        assertEquals(Set.of(conf), swapped.changes().paths());
        // The chain now leads into v2: an in-place write there is seen, and a swap back too.
        Files.writeString(el.resolve("v2/server.conf"), "max_payload: 2500\n");
        reportOf(calls, "max_payload: 2500\n");
        swapLink(el.resolve("current"), "v1");
        reportOf(calls, "max_payload: 1000\n");
    }

    @Test
    void shouldSeeALinkSwappedInADirectoryOfTheWatchedPathThroughARelativeChain() throws Exception {
        // $S/etc/nats -> ../el/current (a directory link in the middle of the path),
        // $S/el/current -> stage, $S/el/stage -> v1: two relative hops, none in the file's name.
        Path el = tmp.resolve("el");
        Files.writeString(Files.createDirectories(el.resolve("v1")).resolve("server.conf"), "a\n");
        Files.writeString(Files.createDirectories(el.resolve("v2")).resolve("server.conf"), "b\n");
        Files.createSymbolicLink(el.resolve("stage"), Path.of("v1"));
        Files.createSymbolicLink(el.resolve("current"), Path.of("stage"));
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        Files.createSymbolicLink(etc.resolve("nats"), Path.of("../el/current"));
        Path conf = etc.resolve("nats/server.conf");
        LinkedBlockingQueue<Call> calls = watch(conf, Map.of(conf, Cause.CONFIG));

        swapLink(el.resolve("stage"), "v2");
        Call swapped = reportOf(calls, "b\n");
        assertEquals(Set.of(conf), swapped.changes().paths());
    }

    /** Plans {@code file}'s directories and tells {@code hints} which names matter, as the watcher does. */
    private static void watchAsTheWatcherDoes(HintSource hints, Path file) throws Exception {
        Map<Path, ContentDigests.Names> plan = new LinkedHashMap<>();
        ContentDigests.plan(file, plan);
        hints.relevantNames(plan);
        hints.watch(plan.keySet());
    }

    @Test
    void shouldIgnoreBusyNamesInTheDirectoriesWatchedAbove() throws Exception {
        // server.conf -> ../el/current/server.conf: tmp (above cfg) and el (the hop) are watched
        // for one name each; a busy log in either is no hint.
        Path el = tmp.resolve("el");
        Files.writeString(Files.createDirectories(el.resolve("v1")).resolve("server.conf"), "a");
        Files.createSymbolicLink(el.resolve("current"), Path.of("v1"));
        Path cfg = Files.createDirectories(tmp.resolve("cfg"));
        Path conf = cfg.resolve("server.conf");
        Files.createSymbolicLink(conf, Path.of("../el/current/server.conf"));
        InotifyHints hints = InotifyHints.open();
        closing.add(hints);
        watchAsTheWatcherDoes(hints, conf);
        for (int i = 0; i < 20; i++) {
            Files.writeString(tmp.resolve("nats.log"), "line " + i + "\n");
            Files.writeString(el.resolve("other.log"), "line " + i + "\n");
        }
        assertEquals(HintSource.Hint.NONE, hints.await(TimeUnit.MILLISECONDS.toNanos(300)));
        assertEquals(Set.of(), hints.takeNamed().paths());
        // The names that matter there are events: the directory renamed, the link swapped.
        Files.move(cfg, tmp.resolve("cfg.old"), StandardCopyOption.ATOMIC_MOVE);
        assertEquals(HintSource.Hint.EVENT, hints.await(TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS)));
        assertEquals(Set.of(cfg), hints.takeNamed().paths());
        swapLink(el.resolve("current"), "v1");
        assertEquals(HintSource.Hint.EVENT, hints.await(TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS)));
        assertTrue(hints.takeNamed().paths().contains(el.resolve("current")));
    }

    @Test
    void shouldIgnoreBusyNamesInTheDirectoryPolledAbove() throws Exception {
        Path cfg = Files.createDirectories(tmp.resolve("cfg"));
        Path conf = cfg.resolve("server.conf");
        Files.writeString(conf, "a");
        PollingHints hints = new PollingHints(Duration.ofMillis(20), "polling-test");
        closing.add(hints);
        watchAsTheWatcherDoes(hints, conf);
        // A busy log above cfg, and one beside server.conf (which changes cfg's mtime, seen from
        // above): twenty polls, no hint.
        for (int i = 0; i < 20; i++) {
            Files.writeString(tmp.resolve("nats.log"), "line " + i + "\n");
            Files.writeString(cfg.resolve("nats.log"), "line " + i + "\n");
        }
        assertEquals(HintSource.Hint.NONE, hints.await(TimeUnit.MILLISECONDS.toNanos(400)));
        Files.move(cfg, tmp.resolve("cfg.old"), StandardCopyOption.ATOMIC_MOVE);
        assertEquals(HintSource.Hint.EVENT, hints.await(TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS)));
    }

    @Test
    void shouldNotReportBusyNamesInTheDirectoriesWatchedAbove() throws Exception {
        Path cfg = Files.createDirectories(tmp.resolve("cfg"));
        Path conf = cfg.resolve("server.conf");
        Files.writeString(conf, "a");
        LinkedBlockingQueue<Call> calls = watch(conf, Map.of(conf, Cause.CONFIG));
        for (int i = 0; i < 20; i++) {
            Files.writeString(tmp.resolve("nats.log"), "line " + i + "\n");
            Files.writeString(tmp.resolve("other-" + i), "x");
        }
        // The first report is of the config's own change, and names it alone.
        Files.writeString(conf, "b");
        Call call = reportOf(calls, "b");
        assertEquals(Set.of(conf), call.changes().paths());
        assertEquals(0, calls.size());
    }
}
