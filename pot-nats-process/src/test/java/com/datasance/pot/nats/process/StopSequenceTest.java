package com.datasance.pot.nats.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.datasance.pot.nats.api.ExitStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The stop logic against a fake child: a future that completes when the right signal arrives. */
class StopSequenceTest {

    /** A child that exits 0 on {@code exitsOn} and dies on SIGKILL; records every signal. */
    private static final class FakeChild implements Signaller {
        final List<PosixSignal> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        final PosixSignal exitsOn;

        FakeChild(PosixSignal exitsOn) {
            this.exitsOn = exitsOn;
        }

        @Override
        public boolean send(long pid, PosixSignal signal) {
            if (exit.isDone()) {
                return false;
            }
            received.add(signal);
            if (signal == exitsOn) {
                exit.complete(ExitStatus.exited(0));
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
}
