package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.jetstream.PurgeOutcome;
import com.datasance.pot.nats.jetstream.PurgeSkipReason;
import org.junit.jupiter.api.Test;

class ReconcileCommandTest {

    @Test
    void shouldPrintAStoreEntryNamedWithANewlineOnOneLine() {
        String line = ReconcileCommand.line(
                new PurgeOutcome.Skipped("A\n[pot-nats] [INF] forged", PurgeSkipReason.NOT_AN_ACCOUNT_KEY));

        assertFalse(line.contains("\n"), line);
        assertEquals("kept 'A\\n[pot-nats] [INF] forged': the name is not a valid account public key", line);
    }

    @Test
    void shouldSayHowToPurgeAtOnceWhenAOneShotPassWaitsOutTheGrace() {
        String line = ReconcileCommand.line(
                new PurgeOutcome.Skipped("ABC", PurgeSkipReason.IN_GRACE_PERIOD, "absent since X, due at Y"));

        assertTrue(line.contains("NATS_PURGE_GRACE=0"), line);
    }
}
