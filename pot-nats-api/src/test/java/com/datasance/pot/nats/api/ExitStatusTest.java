package com.datasance.pot.nats.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ExitStatusTest {

    @Test
    void shouldGiveShellStatusForSignals() {
        ExitStatus killed = ExitStatus.killedBy(9);
        assertEquals(137, killed.code());
        assertEquals(OptionalInt.of(9), killed.signal());
        assertTrue(killed.bySignal());
        assertFalse(killed.success());
        assertEquals("killed by signal 9 (status 137)", killed.toString());
    }

    @Test
    void shouldKeepExitCodes() {
        assertTrue(ExitStatus.exited(0).success());
        assertFalse(ExitStatus.exited(1).success());
        assertFalse(ExitStatus.exited(137).bySignal());
        assertEquals("exit status 1", ExitStatus.exited(1).toString());
    }

    @Test
    void shouldRejectImpossibleStatus() {
        assertThrows(IllegalArgumentException.class, () -> ExitStatus.exited(-1));
        assertThrows(IllegalArgumentException.class, () -> ExitStatus.exited(256));
        assertThrows(IllegalArgumentException.class, () -> new ExitStatus(1, OptionalInt.of(9)));
        assertThrows(IllegalArgumentException.class, () -> ExitStatus.killedBy(0));
    }

    @Test
    void shouldAcceptEveryStatusAtTheEdgesOfItsRange() {
        assertEquals(255, ExitStatus.exited(255).code());
        assertEquals(129, ExitStatus.killedBy(1).code(), "SIGHUP is signal 1, the lowest there is");
        assertEquals(OptionalInt.of(127), ExitStatus.killedBy(127).signal());
    }

    @Test
    void shouldNameTheStatusASignalImpliesWhenItDoesNotMatch() {
        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> new ExitStatus(1, OptionalInt.of(9)));
        assertEquals("a process killed by signal 9 has status 137, got 1", error.getMessage());
    }
}
