package com.datasance.pot.nats.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void shouldPrintOriginWithItsIncludeChain() {
        Origin main = Origin.of(Path.of("main.conf"), 3, 1);
        Origin accounts = Origin.of(Path.of("accounts.conf"), 2, 5).includedFrom(main);
        Origin leaf = Origin.of(Path.of("users.conf"), 12, 7).includedFrom(accounts);

        assertEquals("users.conf:12:7", leaf.position());
        assertEquals(
                "users.conf:12:7 (included from accounts.conf:2:5) (included from main.conf:3:1)", leaf.toString());
        assertEquals("<string>:1:1", Origin.inMemory(1, 1).toString());
    }

    @Test
    void shouldRejectOriginsThatPointNowhere() {
        assertThrows(IllegalArgumentException.class, () -> Origin.inMemory(0, 1));
        assertThrows(IllegalArgumentException.class, () -> Origin.inMemory(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Origin(" ", 1, 1, Optional.empty()));
    }

    @Test
    void shouldParseEveryServerModeSpellingAndNothingElse() {
        assertEquals(Optional.of(ServerMode.SERVER), ServerMode.parse("server"));
        assertEquals(Optional.of(ServerMode.LEAF), ServerMode.parse(" LEAF "));
        assertEquals(Optional.empty(), ServerMode.parse("leafnode"));
        assertEquals(Optional.empty(), ServerMode.parse(""));
        assertEquals("'server' or 'leaf'", ServerMode.accepted());
        assertEquals("leaf", ServerMode.LEAF.spelling());
    }

    @Test
    void shouldKeepChangeSetsImmutableAndNonEmpty() {
        Set<ChangeCause> causes = EnumSet.of(ChangeCause.JWT);
        ChangeSet changes = new ChangeSet(causes, Instant.EPOCH, Set.of(Path.of("/etc/nats/jwt/A.jwt")));
        causes.add(ChangeCause.SSL);

        assertTrue(changes.contains(ChangeCause.JWT));
        assertFalse(changes.contains(ChangeCause.SSL), "the set copies its causes");
        assertThrows(
                IllegalArgumentException.class, () -> new ChangeSet(Set.of(), Instant.EPOCH, Set.of(Path.of("x"))));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ChangeSet(Set.of(ChangeCause.CONFIG), Instant.EPOCH, Set.of()));
    }

    @Test
    void shouldSortPurgeOutcomesAndSucceedOnlyWithoutFailures() {
        PurgeReport report = new PurgeReport(
                List.of(
                        new PurgeOutcome.Purged("A1"),
                        new PurgeOutcome.Skipped("A2", PurgeSkipReason.SYSTEM_ACCOUNT),
                        new PurgeOutcome.Planned("A3"),
                        new PurgeOutcome.Failed("A4", "timeout")),
                Optional.empty(),
                true);

        assertEquals(List.of(new PurgeOutcome.Purged("A1")), report.purged());
        assertEquals("A2", report.skipped().getFirst().account());
        assertEquals("", report.skipped().getFirst().detail());
        assertEquals(List.of(new PurgeOutcome.Planned("A3")), report.planned());
        assertEquals("1 planned, 1 purged, 1 skipped, 1 failed", report.summary());
        assertFalse(report.succeeded());
        assertTrue(new PurgeReport(List.of(), Optional.of("empty resolver"), false).succeeded());
    }

    @Test
    void shouldRequireAnAccountInEveryPurgeOutcome() {
        assertThrows(NullPointerException.class, () -> new PurgeOutcome.Planned(null));
        assertThrows(NullPointerException.class, () -> new PurgeOutcome.Purged(null));
        assertThrows(NullPointerException.class, () -> new PurgeOutcome.Skipped(null, PurgeSkipReason.SYSTEM_ACCOUNT));
        assertThrows(NullPointerException.class, () -> new PurgeOutcome.Failed(null, "timeout"));
        assertThrows(NullPointerException.class, () -> new PurgeOutcome.Failed("A", null));
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
