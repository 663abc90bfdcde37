package com.datasance.pot.nats.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.api.ExitStatus;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExitStatusMappingTest {

    @ParameterizedTest
    @CsvSource({
        "0,0,",
        "1,1,",
        "2,2,",
        "128,128,",
        "129,129,1",
        "130,130,2",
        "137,137,9",
        "143,143,15",
        "192,192,64",
        "193,193,"
    })
    void shouldMapJavaExitValueToStatusAndSignal(int javaValue, int code, Integer signal) {
        ExitStatus status = NatsServerProcess.exitStatusOf(javaValue);
        assertEquals(code, status.code());
        assertEquals(signal == null ? OptionalInt.empty() : OptionalInt.of(signal), status.signal());
        assertEquals(signal != null, status.bySignal());
    }

    @Test
    void shouldTellSuccessOnlyForCleanExitZero() {
        assertTrue(ExitStatus.exited(0).success());
        assertFalse(ExitStatus.exited(1).success());
        assertFalse(ExitStatus.killedBy(9).success());
        assertEquals("killed by signal 9 (status 137)", ExitStatus.killedBy(9).toString());
        assertEquals("exit status 1", ExitStatus.exited(1).toString());
    }

    @Test
    void shouldRejectInconsistentStatus() {
        assertThrows(IllegalArgumentException.class, () -> new ExitStatus(1, OptionalInt.of(9)));
        assertThrows(IllegalArgumentException.class, () -> ExitStatus.exited(256));
        assertThrows(IllegalArgumentException.class, () -> ExitStatus.exited(-1));
    }

    @Test
    void shouldUseLinuxSignalNumbers() {
        assertEquals(1, PosixSignal.SIGHUP.number());
        assertEquals(2, PosixSignal.SIGINT.number());
        assertEquals(9, PosixSignal.SIGKILL.number());
        assertEquals(12, PosixSignal.SIGUSR2.number());
        assertEquals(15, PosixSignal.SIGTERM.number());
        assertEquals(PosixSignal.SIGUSR2, PosixSignal.ofNumber(12).orElseThrow());
    }
}
