package com.datasance.pot.nats.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class IgnoredSignalsTest {

    @Test
    void shouldRefuseWhatIsNotASignalNumber() {
        assertEquals(
                "not a signal number: 0 (1 to 64)",
                assertThrows(IllegalArgumentException.class, () -> IgnoredSignals.restoreDefault(0))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> IgnoredSignals.restoreDefault(65));
    }

    @Test
    void shouldReportTheErrnoWhenTheCLibraryRefuses() {
        // SIGKILL's action cannot be set: signal(2) fails with EINVAL, which must not pass silently.
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> IgnoredSignals.restoreDefault(9));
        assertEquals("signal(9, SIG_DFL) failed: EINVAL (invalid signal)", e.getMessage());
    }

    @Test
    void shouldSetASignalBackToTheDefaultAction() {
        // SIGWINCH's default action is to ignore it, so setting it in the test JVM is harmless; a
        // failure of the call itself would throw.
        IgnoredSignals.restoreDefault(28);
    }
}
