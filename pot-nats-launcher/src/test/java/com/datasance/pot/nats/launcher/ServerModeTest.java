package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerModeTest {

    @Test
    void shouldParseEveryServerModeSpellingAndNothingElse() {
        assertEquals(Optional.of(ServerMode.SERVER), ServerMode.parse("server"));
        assertEquals(Optional.of(ServerMode.LEAF), ServerMode.parse(" LEAF "));
        assertEquals(Optional.empty(), ServerMode.parse("leafnode"));
        assertEquals(Optional.empty(), ServerMode.parse(""));
        assertEquals("'server' or 'leaf'", ServerMode.accepted());
        assertEquals("leaf", ServerMode.LEAF.spelling());
    }
}
