package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class StderrLoggingProviderTest {

    @Test
    void shouldWriteNatsServerTimestamp() {
        StringBuilder line = new StringBuilder();
        StderrLoggingProvider.appendTimestamp(line, LocalDateTime.of(2026, 11, 3, 5, 7, 9, 123_456_789));
        assertEquals("2026/11/03 05:07:09.123456", line.toString());
    }

    @Test
    void shouldUseNatsServerLevelTags() {
        assertEquals("INF", StderrLoggingProvider.tag(Level.INFO));
        assertEquals("WRN", StderrLoggingProvider.tag(Level.WARN));
        assertEquals("ERR", StderrLoggingProvider.tag(Level.ERROR));
        assertEquals("DBG", StderrLoggingProvider.tag(Level.DEBUG));
        assertEquals("DBG", StderrLoggingProvider.tag(Level.TRACE));
    }

    @Test
    void shouldNeverLetAMessageSplitTheLine() {
        StringBuilder line = new StringBuilder();
        StderrLoggingProvider.appendOneLine(
                line, "file 'a\n[pot-nats] 2026/01/01 00:00:00.000000 [INF] forged'\r\t\u2028\u0000");
        assertEquals(
                "file 'a\\n[pot-nats] 2026/01/01 00:00:00.000000 [INF] forged'\\r\\t\\u2028\\u0000", line.toString());
    }
}
