package com.datasance.pot.nats.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What is kept of a child's output and what a failed config check reports from it. */
class ChildOutputTest {

    private static String tailOf(byte[] bytes) {
        OutputTail tail = new OutputTail(new ByteArrayInputStream(bytes));
        tail.run();
        return tail.text();
    }

    @Test
    void shouldKeepAShortOutputWhole() {
        assertEquals("", tailOf(new byte[0]));
        assertEquals("one\ntwo\n", tailOf("one\ntwo\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldKeepTheLastBytesInOrderWhenTheOutputWrapsAround() {
        // One byte more than the tail holds, over several reads: the first byte goes, the order stays.
        byte[] bytes = new byte[OutputTail.TAIL_BYTES + 1];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        String text = tailOf(bytes);
        assertEquals(OutputTail.TAIL_BYTES, text.length());
        assertEquals(new String(bytes, 1, OutputTail.TAIL_BYTES, StandardCharsets.UTF_8), text);
    }

    @Test
    void shouldReportTheLastNonBlankLineWithoutTheNatsServerPrefix() {
        assertEquals(
                "/etc/nats/server.conf:2:1: unknown field \"x\"",
                ConfigCheck.errorLine(
                        "starting\nnats-server: /etc/nats/server.conf:2:1: unknown field \"x\"  \n\n  \n", 1));
        assertEquals("plain error", ConfigCheck.errorLine("first\n  plain error\n", 1));
        // The prefix only counts at the start of the line.
        assertEquals("error from nats-server: x", ConfigCheck.errorLine("error from nats-server: x", 1));
    }

    @Test
    void shouldSaySoWhenTheCheckPrintedNothing() {
        assertEquals("nats-server -t exited with status 3 and printed nothing", ConfigCheck.errorLine(" \n\n", 3));
        assertEquals("nats-server -t exited with status 1 and printed nothing", ConfigCheck.errorLine("", 1));
    }

    @Test
    void shouldNameTheErrnoValuesOfKill() {
        assertEquals("EPERM (operation not permitted)", LibC.errnoName(LibC.EPERM));
        assertEquals("ESRCH (no such process)", LibC.errnoName(LibC.ESRCH));
        assertEquals("EINVAL (invalid signal)", LibC.errnoName(22));
        assertEquals("errno 5", LibC.errnoName(5));
    }

    @Test
    void shouldFindNoSignalForAnUnknownNumber() {
        assertEquals(Optional.empty(), PosixSignal.ofNumber(3));
        assertEquals(Optional.of(PosixSignal.SIGHUP), PosixSignal.ofNumber(1));
        assertTrue(PosixSignal.ofNumber(15).isPresent());
    }

    @Test
    void shouldCallOnlyAValidCheckValid() {
        assertTrue(new ConfigCheck.Valid().valid());
        assertFalse(new ConfigCheck.Invalid("x.conf:1:1: bad").valid());
        assertFalse(new ConfigCheck.TimedOut("killed").valid());
    }
}
