package com.datasance.pot.nats.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.api.ExitStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The stop logic against a fake child: a future that completes when the right signal arrives. */
class StopSequenceTest {

    /** A child that exits 0 on {@code exitsOn} and dies on SIGKILL; records every signal. */
    private static final class FakeChild implements Signaller {
        final List<PosixSignal> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        final PosixSignal exitsOn;
        /** How long after {@code exitsOn} the child exits, as a real one takes a moment. */
        final Duration exitDelay;

        FakeChild(PosixSignal exitsOn) {
            this(exitsOn, Duration.ZERO);
        }

        FakeChild(PosixSignal exitsOn, Duration exitDelay) {
            this.exitsOn = exitsOn;
            this.exitDelay = exitDelay;
        }

        @Override
        public boolean send(long pid, PosixSignal signal) {
            if (exit.isDone()) {
                return false;
            }
            received.add(signal);
            if (signal == exitsOn && exitDelay.isZero()) {
                exit.complete(ExitStatus.exited(0));
            } else if (signal == exitsOn) {
                exit.completeAsync(
                        () -> ExitStatus.exited(0),
                        CompletableFuture.delayedExecutor(exitDelay.toMillis(), TimeUnit.MILLISECONDS));
            } else if (signal == PosixSignal.SIGKILL) {
                exit.complete(ExitStatus.killedBy(9));
            }
            return true;
        }

        NatsServerProcess process() {
            return new NatsServerProcess(4242, "nats-server -c x.conf", exit, this);
        }
    }

    @Test
    void shouldStopWithSigintWhenNoLameDuck() throws Exception {
        FakeChild child = new FakeChild(PosixSignal.SIGINT);
        ExitStatus status = child.process().stop(Duration.ofSeconds(5), false);
        assertEquals(ExitStatus.exited(0), status);
        assertEquals(List.of(PosixSignal.SIGINT), child.received);
    }

    @Test
    void shouldEnterLameDuckBeforeSigint() throws Exception {
        FakeChild child = new FakeChild(PosixSignal.SIGINT);
        ExitStatus status = child.process().stop(Duration.ofMillis(100), true);
        assertEquals(ExitStatus.exited(0), status);
        assertEquals(List.of(PosixSignal.SIGUSR2, PosixSignal.SIGINT), child.received);
    }

    @Test
    void shouldReturnWhenLameDuckEndsTheProcess() throws Exception {
        FakeChild child = new FakeChild(PosixSignal.SIGUSR2);
        ExitStatus status = child.process().stop(Duration.ofSeconds(5), true);
        assertEquals(ExitStatus.exited(0), status);
        assertEquals(List.of(PosixSignal.SIGUSR2), child.received);
    }

    @Test
    void shouldSigkillAfterTimeout() throws Exception {
        FakeChild child = new FakeChild(PosixSignal.SIGTERM); // ignores SIGINT
        ExitStatus status = child.process().stop(Duration.ofMillis(50), false);
        assertEquals(ExitStatus.killedBy(9), status);
        assertEquals(137, status.code());
        assertEquals(List.of(PosixSignal.SIGINT, PosixSignal.SIGKILL), child.received);
    }

    @Test
    void shouldNotSignalAnExitedProcess() throws Exception {
        FakeChild child = new FakeChild(PosixSignal.SIGINT);
        child.exit.complete(ExitStatus.exited(1));
        NatsServerProcess process = child.process();
        process.reload();
        assertEquals(ExitStatus.exited(1), process.stop(Duration.ofSeconds(1), true));
        assertEquals(List.of(), child.received);
        assertFalse(process.isAlive());
    }

    @Test
    void shouldForwardReloadAsSighup() {
        FakeChild child = new FakeChild(PosixSignal.SIGINT);
        child.process().reload();
        assertEquals(List.of(PosixSignal.SIGHUP), child.received);
    }

    @Test
    void shouldSigkillAtOnceWithNoTimeout() throws Exception {
        for (Duration none : List.of(Duration.ZERO, Duration.ofSeconds(-1))) {
            FakeChild child = new FakeChild(PosixSignal.SIGINT);
            ExitStatus status = child.process().stop(none, true);
            assertEquals(ExitStatus.killedBy(9), status);
            assertEquals(List.of(PosixSignal.SIGKILL), child.received);
        }
    }

    @Test
    void shouldSendUsr1ToReopenTheLogAndUsr2ForLameDuckWhileRunning() {
        FakeChild child = new FakeChild(PosixSignal.SIGINT);
        NatsServerProcess process = child.process();
        assertTrue(process.reopenLogFile());
        assertTrue(process.enterLameDuckMode());
        assertEquals(List.of(PosixSignal.SIGUSR1, PosixSignal.SIGUSR2), child.received);
        assertTrue(process.isAlive());
        child.exit.complete(ExitStatus.exited(0));
        assertFalse(process.reopenLogFile());
        assertFalse(process.enterLameDuckMode());
        assertEquals(2, child.received.size());
    }

    @Test
    void shouldNameItsPidAndCommandAndHandOutItsExitWithoutLettingCallersCompleteIt() throws Exception {
        FakeChild child = new FakeChild(PosixSignal.SIGINT);
        NatsServerProcess process = child.process();
        assertEquals(4242, process.pid());
        assertEquals("nats-server pid 4242 'nats-server -c x.conf'", process.toString());
        process.onExit().complete(ExitStatus.exited(3));
        assertTrue(process.isAlive());
        child.exit.complete(ExitStatus.exited(0));
        assertEquals(ExitStatus.exited(0), process.onExit().get());
    }

    @Test
    void shouldReportAFailedWaitAsABrokenInvariantNamingTheProcess() {
        FakeChild child = new FakeChild(PosixSignal.SIGINT);
        child.exit.completeExceptionally(new java.io.IOException("reaper failed"));
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> child.process().stop(Duration.ofSeconds(1), false));
        assertEquals("waiting for nats-server pid 4242 'nats-server -c x.conf' failed", e.getMessage());
    }

    @Test
    void shouldWaitTheWholeTimeoutForAChildThatTakesAMomentToExitOnSigint() throws Exception {
        FakeChild child = new FakeChild(PosixSignal.SIGINT, Duration.ofMillis(200));
        ExitStatus status = child.process().stop(Duration.ofSeconds(30), false);
        assertEquals(ExitStatus.exited(0), status);
        assertEquals(List.of(PosixSignal.SIGINT), child.received);
    }

    @Test
    void shouldWaitForALameDuckExitBeforeAnySigint() throws Exception {
        FakeChild child = new FakeChild(PosixSignal.SIGUSR2, Duration.ofMillis(200));
        ExitStatus status = child.process().stop(Duration.ofSeconds(30), true);
        assertEquals(ExitStatus.exited(0), status);
        assertEquals(List.of(PosixSignal.SIGUSR2), child.received);
    }

    @Test
    void shouldTellWhenTheKernelSaysTheChildIsGone() {
        // Exited but not reaped yet: kill(2) answers ESRCH, the signaller false.
        List<PosixSignal> tried = new CopyOnWriteArrayList<>();
        NatsServerProcess process =
                new NatsServerProcess(4242, "nats-server", new CompletableFuture<>(), (pid, signal) -> {
                    tried.add(signal);
                    return false;
                });
        assertFalse(process.reopenLogFile());
        assertFalse(process.enterLameDuckMode());
        assertEquals(List.of(PosixSignal.SIGUSR1, PosixSignal.SIGUSR2), tried);
    }
}
