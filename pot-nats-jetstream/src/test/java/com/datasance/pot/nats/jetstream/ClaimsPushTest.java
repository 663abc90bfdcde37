package com.datasance.pot.nats.jetstream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.NatsJwt;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClaimsPushTest {

    @TempDir
    Path dir;

    @Test
    void shouldMakeUpdatedAccountLimitVisibleWithoutRestart() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            assertEquals(-1, scenario.streams(scenario.live).maxStreams());
            Map<String, Object> limits = NatsJwt.unlimitedAccountLimits();
            limits.put("streams", 5);
            scenario.operator.reissue(scenario.live, limits);
            long pid = scenario.server.pid();

            ClaimsPushReport report =
                    JetStreamReconciler.of(scenario.settings()).pushClaims();

            assertTrue(report.succeeded(), report.failed().toString());
            assertTrue(report.updated().contains(scenario.live.publicKey()));
            assertEquals(3, report.updated().size());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> scenario.streams(scenario.live).maxStreams() == 5);
            assertEquals(pid, scenario.server.pid());
            assertEquals(PurgeScenario.MESSAGES, scenario.liveMessages());
            assertTrue(scenario.liveStreamOnDisk());
        }
    }

    @Test
    void shouldPushOnlyTheJwtThatChangedSinceTheLastPush() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            JetStreamReconciler reconciler = JetStreamReconciler.of(scenario.settings());
            assertEquals(3, reconciler.pushClaims().updated().size());
            assertFalse(reconciler.pushClaims().requestsSent());
            Map<String, Object> limits = NatsJwt.unlimitedAccountLimits();
            limits.put("streams", 4);
            scenario.operator.reissue(scenario.live, limits);

            ClaimsPushReport report = reconciler.pushClaims();

            assertEquals(java.util.List.of(scenario.live.publicKey()), report.updated());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> scenario.streams(scenario.live).maxStreams() == 4);
            assertEquals(PurgeScenario.MESSAGES, scenario.liveMessages());
        }
    }

    @Test
    void shouldSendNothingWithoutCreds() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            Map<String, Object> limits = NatsJwt.unlimitedAccountLimits();
            limits.put("streams", 5);
            scenario.operator.reissue(scenario.live, limits);
            PurgeSettings withoutCreds = scenario.builder().build();

            ClaimsPushReport report = JetStreamReconciler.of(withoutCreds).pushClaims();

            assertFalse(report.requestsSent());
            assertEquals(-1, scenario.streams(scenario.live).maxStreams());
            assertEquals(PurgeScenario.MESSAGES, scenario.liveMessages());
        }
    }
}
