package com.datasance.pot.nats.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A change the listener did not apply stays pending; content back to what it applied is no change. */
class PendingChangeTest {

    private static final Duration QUIET = Duration.ofMillis(100);
    private static final long DEADLINE_SECONDS = 15;

    @TempDir
    Path tmp;

    private final List<ContentWatcher<Cause>> watchers = new ArrayList<>();
    private final LinkedBlockingQueue<ChangeSet<Cause>> calls = new LinkedBlockingQueue<>();

    @AfterEach
    void closeWatchers() {
        watchers.forEach(ContentWatcher::close);
    }

    /** A watcher whose listener records each call, then does {@code then(watcher, callNumber)}. */
    private ContentWatcher<Cause> started(BiConsumer<ContentWatcher<Cause>, Integer> then, Path... files) {
        AtomicReference<ContentWatcher<Cause>> self = new AtomicReference<>();
        AtomicInteger count = new AtomicInteger();
        ContentWatcher.Builder<Cause> builder = ContentWatcher.<Cause>builder()
                .quietPeriod(QUIET)
                .safetyNetInterval(Duration.ZERO)
                .listener(changes -> {
                    // The outcome first: the test may act as soon as the call is recorded.
                    then.accept(self.get(), count.incrementAndGet());
                    calls.add(changes);
                });
        builder.watch(files[0], Cause.CONFIG);
        for (int i = 1; i < files.length; i++) {
            builder.watch(files[i], Cause.CREDS);
        }
        ContentWatcher<Cause> watcher = builder.build();
        self.set(watcher);
        watchers.add(watcher);
        watcher.start();
        return watcher;
    }

    private ChangeSet<Cause> next() throws InterruptedException {
        ChangeSet<Cause> call = calls.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
        if (call == null) {
            throw new AssertionError("no change reported within " + DEADLINE_SECONDS + " s");
        }
        return call;
    }

    private static void write(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    @Test
    void shouldReportAChangeKeptPendingAgainWithoutAnEventDatedFromItsFirstEvent() throws Exception {
        Path conf = tmp.resolve("server.conf");
        write(conf, "max_payload: 1000\n");
        started(
                (watcher, call) -> {
                    if (call == 1) {
                        watcher.retryLater(Duration.ofMillis(200));
                    }
                },
                conf);
        write(conf, "max_payload: 2000\n");
        ChangeSet<Cause> first = next();
        ChangeSet<Cause> again = next();
        assertEquals(Set.of(conf), again.paths());
        assertEquals(first.firstEventAt(), again.firstEventAt());
    }

    @Test
    void shouldReportNothingWhenTheSameBytesComeBackAfterAChangeNotApplied() throws Exception {
        Path conf = tmp.resolve("server.conf");
        Path creds = tmp.resolve("user.creds");
        write(conf, "max_payload: 1000\n");
        write(creds, "one\n");
        started(
                (watcher, call) -> {
                    if (call == 1) {
                        watcher.notAppliedUntilNextChange();
                    }
                },
                conf,
                creds);
        Files.delete(conf);
        assertEquals(Set.of(conf), next().paths());
        write(conf, "max_payload: 1000\n");
        // The next report names only the creds: the config back as it was applied is no change.
        write(creds, "two\n");
        ChangeSet<Cause> changes = next();
        assertEquals(Set.of(Cause.CREDS), changes.keys());
        assertEquals(Set.of(creds), changes.paths());
    }

    @Test
    void shouldReportAChangeNotAppliedAgainWithTheNextChange() throws Exception {
        Path conf = tmp.resolve("server.conf");
        Path creds = tmp.resolve("user.creds");
        write(conf, "max_payload: 1000\n");
        write(creds, "one\n");
        started(
                (watcher, call) -> {
                    if (call == 1) {
                        watcher.notAppliedUntilNextChange();
                    }
                },
                conf,
                creds);
        write(conf, "max_payload: 2000\n");
        assertEquals(Set.of(conf), next().paths());
        write(creds, "two\n");
        assertEquals(Set.of(conf, creds), next().paths());
        // Applied now: the same creds change is not reported a third time.
        write(creds, "three\n");
        assertEquals(Set.of(creds), next().paths());
    }

    @Test
    void shouldRefuseAnOutcomeFromOutsideTheListener() throws Exception {
        Path conf = tmp.resolve("server.conf");
        write(conf, "max_payload: 1000\n");
        ContentWatcher<Cause> watcher = started((w, call) -> {}, conf);
        assertThrows(IllegalStateException.class, () -> watcher.retryLater(Duration.ZERO));
        assertThrows(IllegalStateException.class, watcher::notAppliedUntilNextChange);
    }
}
