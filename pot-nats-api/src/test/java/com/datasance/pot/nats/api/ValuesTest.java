package com.datasance.pot.nats.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
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
}
