package com.datasance.pot.nats.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.api.ExitStatus;
import com.datasance.pot.nats.testkit.FreePorts;
import com.datasance.pot.nats.testkit.Monitoring;
import com.datasance.pot.nats.testkit.NatsServerBinary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the real nats-server: start, reload, stop, and the exit status of a killed child. */
class NatsServerProcessTest {

    private static NatsServerProcess start(Path dir, String config, Monitoring monitoring, String... args)
            throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, config);
        List<String> passthrough =
                new java.util.ArrayList<>(List.of("-a", "127.0.0.1", "-p", Integer.toString(FreePorts.next())));
        passthrough.addAll(List.of(args));
        NatsServerProcess process = NatsServerProcess.start(new NatsServerCommand(
                NatsServerBinary.require(), conf, OptionalInt.of(monitoring.port()), passthrough));
        monitoring.awaitHealthy(Duration.ofSeconds(15));
        return process;
    }

    @Test
    void shouldRunInConfigDirectoryAndStopCleanlyWithSigint(@TempDir Path dir) throws Exception {
        Monitoring monitoring = new Monitoring(FreePorts.next());
        // A relative include resolves only when the working directory is the config's directory.
        Files.writeString(dir.resolve("name.conf"), "server_name: from_include\n");
        NatsServerProcess process = start(dir, "include name.conf\n", monitoring);
        assertEquals("from_include", monitoring.varz().path("server_name").asText());
        assertTrue(process.isAlive());

        ExitStatus status = process.stop(Duration.ofSeconds(10), false);

        assertEquals(ExitStatus.exited(0), status);
        assertFalse(ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false));
        assertEquals(status, process.onExit().get(1, TimeUnit.SECONDS));
    }

    @Test
    void shouldReloadOnSighup(@TempDir Path dir) throws Exception {
        Monitoring monitoring = new Monitoring(FreePorts.next());
        NatsServerProcess process = start(dir, "max_payload: 1000\n", monitoring);
        try {
            String loadedAt = monitoring.varz().path("config_load_time").asText();
            Files.writeString(dir.resolve("server.conf"), "max_payload: 2000\n");
            process.reload();
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> monitoring.varz().path("max_payload").asInt() == 2000);
            assertNotEquals(loadedAt, monitoring.varz().path("config_load_time").asText());
        } finally {
            process.stop(Duration.ofSeconds(10), false);
        }
    }

    @Test
    void shouldReportSigkillAs137(@TempDir Path dir) throws Exception {
        Monitoring monitoring = new Monitoring(FreePorts.next());
        NatsServerProcess process = start(dir, "", monitoring);
        ProcessHandle.of(process.pid()).orElseThrow().destroyForcibly();
        ExitStatus status = process.onExit().get(10, TimeUnit.SECONDS);
        assertEquals(ExitStatus.killedBy(9), status);
        assertEquals(137, status.code());
    }

    @Test
    void shouldStopInLameDuckMode(@TempDir Path dir) throws Exception {
        Monitoring monitoring = new Monitoring(FreePorts.next());
        // 2.9.10 refuses a lame_duck_duration under 30 s, so lame duck outlives half of this
        // budget and the stop goes on with SIGINT, which ends lame duck mode cleanly.
        NatsServerProcess process = start(dir, "lame_duck_duration: \"30s\"\n", monitoring);
        ExitStatus status = process.stop(Duration.ofSeconds(2), true);
        assertFalse(process.isAlive());
        assertFalse(status.bySignal(), status.toString());
    }

    @Test
    void shouldNameTheCommandWhenTheBinaryCannotRun(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "");
        ProcessException error = assertThrows(
                ProcessException.class,
                () -> NatsServerProcess.start(
                        new NatsServerCommand(dir.resolve("nope"), conf, OptionalInt.empty(), List.of("-DV"))));
        assertTrue(
                error.getMessage().startsWith("cannot start '" + dir.resolve("nope") + " -c " + conf + " -DV'"),
                error.getMessage());
    }

    @Test
    void shouldSignalARealProcessThroughKill() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        assertTrue(LibC.SIGNALLER.send(sleeper.pid(), PosixSignal.SIGHUP));
        assertTrue(sleeper.waitFor(10, TimeUnit.SECONDS));
        assertEquals(ExitStatus.killedBy(1), NatsServerProcess.exitStatusOf(sleeper.exitValue()));
        // Reaped: kill(2) answers ESRCH, which means "already gone".
        assertFalse(LibC.SIGNALLER.send(sleeper.pid(), PosixSignal.SIGHUP));
    }

    @Test
    void shouldCheckConfigWithNatsServer(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.conf");
        Files.writeString(good, "port: 4222\n");
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "port: 4222\nfoo_unknown: 1\n");
        assertInstanceOf(
                ConfigCheck.Valid.class, ConfigCheck.run(NatsServerBinary.require(), good, Duration.ofSeconds(10)));
        ConfigCheck result = ConfigCheck.run(NatsServerBinary.require(), bad, Duration.ofSeconds(10));
        ConfigCheck.Invalid invalid = assertInstanceOf(ConfigCheck.Invalid.class, result);
        assertEquals(bad + ":2:1: unknown field \"foo_unknown\"", invalid.error());
        assertFalse(result.valid());
    }

    @Test
    void shouldKillAConfigCheckThatBlocksOnAFifo(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("included.conf");
        Process mkfifo =
                new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "port: 4222\ninclude included.conf\n");
        // nats-server -t opens the FIFO and blocks: the deadline must still apply.
        ConfigCheck result = ConfigCheck.run(NatsServerBinary.require(), conf, Duration.ofMillis(500));
        ConfigCheck.TimedOut timedOut = assertInstanceOf(ConfigCheck.TimedOut.class, result);
        assertTrue(timedOut.error().contains("did not finish within 500 ms"), timedOut.error());
        assertFalse(result.valid());
    }

    @Test
    void shouldStopAConfigCheckWhenInterrupted(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("included.conf");
        assertEquals(
                0,
                new ProcessBuilder("mkfifo", fifo.toString())
                        .inheritIO()
                        .start()
                        .waitFor());
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "include included.conf\n");
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread checker = Thread.ofPlatform().start(() -> {
            try {
                ConfigCheck.run(NatsServerBinary.require(), conf, Duration.ofMinutes(10));
                outcome.complete(null);
            } catch (Exception e) {
                outcome.complete(e);
            }
        });
        // Whenever the interrupt lands (before or during the wait), the check ends with it.
        checker.interrupt();
        Throwable thrown = outcome.get(30, TimeUnit.SECONDS);
        assertInstanceOf(InterruptedException.class, thrown);
    }

    @Test
    void shouldKeepOnlyTheTailOfAHugeOutput() throws Exception {
        byte[] big = new byte[OutputTail.TAIL_BYTES * 4];
        java.util.Arrays.fill(big, (byte) 'x');
        big[big.length - 1] = 'E';
        OutputTail tail = new OutputTail(new java.io.ByteArrayInputStream(big));
        tail.run();
        String text = tail.text();
        assertEquals(OutputTail.TAIL_BYTES, text.length());
        assertTrue(text.endsWith("xE"), text.substring(text.length() - 5));
    }
}
