package com.datasance.pot.nats.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dry run says what a real pass would do at that moment, grace period included, against a real
 * nats-server 2.9 in operator mode, and never starts or advances the grace clock of the reconciler
 * it runs on.
 */
class DryRunGraceTest {

    @TempDir
    Path dir;

    @Test
    void shouldKeepInTheDryRunAnAccountARealPassKeepsForItsGracePeriodAndStartNoClock() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            PurgeSafetyTest.ManualClock clock = new PurgeSafetyTest.ManualClock();
            JetStreamReconciler reconciler = JetStreamReconciler.of(
                    scenario.settings().toBuilder().grace(Duration.ofMinutes(5)).build(), clock);
            scenario.removeJwt(scenario.gone);
            List<PurgeOutcome> inGrace = List.of(new PurgeOutcome.Skipped(
                    scenario.gone.publicKey(),
                    PurgeSkipReason.IN_GRACE_PERIOD,
                    "absent since " + clock.instant() + ", due at "
                            + clock.instant().plus(Duration.ofMinutes(5))));

            JetStreamReconciler.DryRun dry = reconciler.dryRunAskingConnections();
            assertEquals(inGrace, dry.report().outcomes());
            assertEquals(Optional.empty(), dry.notChecked());
            assertEquals(inGrace, reconciler.dryRun().outcomes());
            // No clock started: nothing is due, and 10 minutes later a dry run still counts from now.
            assertEquals(Optional.empty(), reconciler.nextDue());
            clock.advance(Duration.ofMinutes(10));
            assertEquals(
                    PurgeSkipReason.IN_GRACE_PERIOD,
                    reconciler
                            .dryRunAskingConnections()
                            .report()
                            .skipped()
                            .getFirst()
                            .reason());

            // The first real pass starts it, there and then: had a dry run started it, this purged.
            PurgeReport first = reconciler.reconcile();
            assertEquals(
                    List.of(PurgeSkipReason.IN_GRACE_PERIOD),
                    first.skipped().stream().map(PurgeOutcome.Skipped::reason).toList());
            assertEquals(PurgeScenario.MESSAGES, scenario.streams(scenario.gone).messageCount(PurgeScenario.STREAM));

            // Once it is over, the dry run reads the real pass's clock: would purge, sends nothing.
            clock.advance(Duration.ofMinutes(5));
            assertEquals(
                    List.of(new PurgeOutcome.Planned(scenario.gone.publicKey())),
                    reconciler.dryRunAskingConnections().report().outcomes());
            assertEquals(Optional.of(clock.instant()), reconciler.nextDue());
            assertTrue(Files.exists(scenario.storeDirOf(scenario.gone)));
            assertEquals(
                    List.of(new PurgeOutcome.Purged(scenario.gone.publicKey())),
                    reconciler.reconcile().outcomes());
            assertEquals(PurgeScenario.MESSAGES, scenario.liveMessages());
        }
    }

    @Test
    void shouldSayWouldPurgeInTheDryRunWithGraceZeroAndSendNothing() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            JetStreamReconciler reconciler = JetStreamReconciler.of(scenario.settings());
            scenario.removeJwt(scenario.gone);

            PurgeReport report = reconciler.dryRunAskingConnections().report();

            assertEquals(List.of(new PurgeOutcome.Planned(scenario.gone.publicKey())), report.outcomes());
            assertEquals(false, report.requestsSent());
            assertEquals(PurgeScenario.MESSAGES, scenario.streams(scenario.gone).messageCount(PurgeScenario.STREAM));
        }
    }
}
