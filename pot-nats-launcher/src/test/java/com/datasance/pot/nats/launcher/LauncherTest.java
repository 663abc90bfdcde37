package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Step 3: a config that does not parse is no reason to stop; a stop during a start-up step. */
class LauncherTest {

    @TempDir
    Path dir;

    @Test
    void shouldLogAnUnreadableConfigAndCarryOnWithoutIt() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "jetstream {\n");
        assertEquals(Optional.empty(), ReloadService.readConfig(conf, Map.of()));
    }

    @Test
    void shouldAbandonAStartStepThatBlocksWhenAStopComes() throws Exception {
        // The red team's /proc/kmsg read: a baseline that never ends must not keep a SIGTERM waiting.
        BlockingQueue<Supervisor.Event> events = new LinkedBlockingQueue<>();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Supervisor.Event.Reload reload = new Supervisor.Event.Reload("SIGHUP");
        Thread stopper = Thread.ofPlatform().start(() -> {
            try {
                entered.await();
                events.add(reload);
                events.add(new Supervisor.Event.Stop(Supervisor.StopSignal.SIGTERM));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Optional<String> result = Launcher.unlessStopped(
                "reading the watched files",
                () -> {
                    entered.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                    }
                    return "never used";
                },
                events);
        stopper.join();
        assertEquals(Optional.empty(), result);
        assertTrue(interrupted.await(20, TimeUnit.SECONDS), "the step was not interrupted");
        // Only a stop ends the wait; every event stays for whoever reads the queue next.
        assertEquals(List.of(reload, new Supervisor.Event.Stop(Supervisor.StopSignal.SIGTERM)), List.copyOf(events));
    }

    @Test
    void shouldReturnWhatTheStartStepMadeOrItsFailure() throws Exception {
        BlockingQueue<Supervisor.Event> events = new LinkedBlockingQueue<>();
        assertEquals(Optional.of("done"), Launcher.unlessStopped("a step", () -> "done", events));
        IllegalStateException failed = assertThrows(
                IllegalStateException.class,
                () -> Launcher.unlessStopped(
                        "a step",
                        () -> {
                            throw new java.io.IOException("disk gone");
                        },
                        events));
        assertTrue(
                failed.getMessage().startsWith("a step failed: java.io.IOException: disk gone"), failed.getMessage());
    }
}
