package com.datasance.pot.nats.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Optional;
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
}
