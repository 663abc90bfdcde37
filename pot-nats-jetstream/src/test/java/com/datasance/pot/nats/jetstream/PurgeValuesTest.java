package com.datasance.pot.nats.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PurgeValuesTest {

    @Test
    void shouldSortPurgeOutcomesAndSucceedOnlyWithoutFailures() {
        PurgeReport report = new PurgeReport(
                List.of(
                        new PurgeOutcome.Purged("A1"),
                        new PurgeOutcome.Skipped("A2", PurgeSkipReason.SYSTEM_ACCOUNT),
                        new PurgeOutcome.Planned("A3"),
                        new PurgeOutcome.Failed("A4", PurgeOutcome.FailureKind.TIMEOUT, "timeout")),
                Optional.empty(),
                true);

        assertEquals(List.of(new PurgeOutcome.Purged("A1")), report.purged());
        assertEquals("A2", report.skipped().getFirst().account());
        assertEquals("", report.skipped().getFirst().detail());
        assertEquals(List.of(new PurgeOutcome.Planned("A3")), report.planned());
        // Planned counts what was due: the purged and the failed ones were due too.
        assertEquals("3 planned, 1 purged, 1 skipped, 1 failed", report.summary());
        assertFalse(report.succeeded());
        assertTrue(new PurgeReport(List.of(), Optional.of("empty resolver"), false).succeeded());
    }

    @Test
    void shouldRequireAnAccountInEveryPurgeOutcome() {
        assertThrows(NullPointerException.class, () -> new PurgeOutcome.Planned(null));
        assertThrows(NullPointerException.class, () -> new PurgeOutcome.Purged(null));
        assertThrows(NullPointerException.class, () -> new PurgeOutcome.Skipped(null, PurgeSkipReason.SYSTEM_ACCOUNT));
        assertThrows(
                NullPointerException.class,
                () -> new PurgeOutcome.Failed(null, PurgeOutcome.FailureKind.TIMEOUT, "timeout"));
        assertThrows(
                NullPointerException.class, () -> new PurgeOutcome.Failed("A", PurgeOutcome.FailureKind.TIMEOUT, null));
        assertThrows(NullPointerException.class, () -> new PurgeOutcome.Skipped("A", null));
    }

    @Test
    void shouldDescribeEverySkipReason() {
        for (PurgeSkipReason reason : PurgeSkipReason.values()) {
            assertFalse(reason.description().isBlank(), reason.name());
        }
        assertEquals("it is the system account", PurgeSkipReason.SYSTEM_ACCOUNT.description());
    }
}
