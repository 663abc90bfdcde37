package com.datasance.pot.nats.jetstream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Passes requested while one runs merge into one follow-up pass, inside the library. */
class PassMergeTest {

    @TempDir
    Path dir;

    @Test
    void shouldMergeRequestsMadeDuringAPassIntoOneFollowUpPass() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            scenario.removeJwt(scenario.gone);
            CountDownLatch holdFirstConnect = new CountDownLatch(1);
            AtomicInteger connects = new AtomicInteger();
            // The connection hook's factory holds the first pass inside its connect until the
            // other requests wait; it also counts the connections, one per pass that sends.
            PurgeSettings settings = scenario.builder()
                    .credsFile(scenario.operator.system().credsFile())
                    .connection(new PurgeSettings.ConnectionHook(options -> {}, options -> {
                        if (connects.getAndIncrement() == 0 && !holdFirstConnect.await(30, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("the test never released the first connect");
                        }
                        return io.nats.client.Nats.connect(options);
                    }))
                    .build();
            JetStreamReconciler reconciler = JetStreamReconciler.of(settings);

            CompletableFuture<PurgeReport> first = new CompletableFuture<>();
            Thread firstThread = Thread.ofPlatform().start(() -> complete(first, reconciler));
            await().atMost(Duration.ofSeconds(30)).until(() -> connects.get() == 1);
            List<CompletableFuture<PurgeReport>> later = new ArrayList<>();
            List<Thread> waiting = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                CompletableFuture<PurgeReport> report = new CompletableFuture<>();
                later.add(report);
                // withSettings: a copy shares the memory, and so the serialisation
                JetStreamReconciler copy = reconciler.withSettings(settings);
                waiting.add(Thread.ofPlatform().start(() -> complete(report, copy)));
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> waiting.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
            holdFirstConnect.countDown();

            PurgeReport firstReport = first.get(60, TimeUnit.SECONDS);
            assertEquals(List.of(new PurgeOutcome.Purged(scenario.gone.publicKey())), firstReport.purged());
            PurgeReport followUp = later.get(0).get(60, TimeUnit.SECONDS);
            for (CompletableFuture<PurgeReport> report : later) {
                assertSame(followUp, report.get(60, TimeUnit.SECONDS), "every request during the pass shares one");
            }
            // The follow-up found nothing left to purge: no second connection, no second request.
            assertTrue(followUp.purged().isEmpty(), followUp.summary());
            assertEquals(1, connects.get());
            assertTrue(Files.notExists(scenario.storeDirOf(scenario.gone)));
            assertEquals(PurgeScenario.MESSAGES, scenario.liveMessages());
            firstThread.join();
        }
    }

    private static void complete(CompletableFuture<PurgeReport> into, JetStreamReconciler reconciler) {
        try {
            into.complete(reconciler.reconcile());
        } catch (Exception e) {
            into.completeExceptionally(e);
        }
    }
}
