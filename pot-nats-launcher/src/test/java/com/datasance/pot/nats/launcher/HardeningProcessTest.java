package com.datasance.pot.nats.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.ChildProcess.Signal;
import com.datasance.pot.nats.testkit.FreePorts;
import com.datasance.pot.nats.testkit.Monitoring;
import com.datasance.pot.nats.testkit.TlsFixture;
import com.datasance.pot.nats.testkit.WrapperEnvironment;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 against the real nats-server: a wrapper process that never hangs on its own checks,
 * forwards the signals nats-server understands, waits for a whole config at start, reports
 * unreloadable options at once and restarts for them when asked.
 */
class HardeningProcessTest {

    private static final Duration APPLIED = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final WrapperEnvironment ports = WrapperEnvironment.onFreePorts();
    private final int clientPort = ports.clientPort();
    private final Monitoring monitoring = ports.monitoring();

    private Map<String, String> env(Path conf) {
        return Wrapper.watchingEnv(ports, dir, conf);
    }

    private String listen() {
        return "listen: 127.0.0.1:" + clientPort + "\n";
    }

    private Path config(String text) throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, text);
        return conf;
    }

    private Wrapper started(Map<String, String> env) throws InterruptedException {
        Wrapper wrapper = Wrapper.start(dir, env);
        wrapper.awaitWatching(monitoring);
        return wrapper;
    }

    private static void mkfifo(Path path) throws Exception {
        assertEquals(
                0,
                new ProcessBuilder("mkfifo", path.toString())
                        .inheritIO()
                        .start()
                        .waitFor());
    }

    /** Writes {@code text} through a temp file and a rename, as editors and kubelet do. */
    private static void replace(Path file, String text) throws Exception {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void shouldStopAtOnceWhileAConfigCheckBlocksOnAFifo() throws Exception {
        Path conf = config(listen());
        mkfifo(dir.resolve("blocked.conf"));
        try (Wrapper wrapper = started(env(conf))) {
            ProcessHandle child = wrapper.awaitStarted();
            // nats-server -t opens the FIFO and blocks (its deadline is 20 s, the stop cannot wait).
            replace(conf, listen() + "include blocked.conf\n");
            wrapper.awaitOutput("changed: CONFIG");
            wrapper.signal(Signal.TERM);
            assertEquals(0, wrapper.awaitExit(), wrapper.output());
            assertFalse(child.isAlive(), "nats-server outlived the wrapper");
            assertTrue(wrapper.output().contains("nats-server stopped: exit status 0"), wrapper.output());
        }
    }

    @Test
    void shouldRetryAChangeWhoseCheckTimedOutUntilItApplies() throws Exception {
        Path conf = config(listen() + "max_payload: 1000\n");
        Path blocked = dir.resolve("blocked.conf");
        mkfifo(blocked);
        try (Wrapper wrapper = started(env(conf))) {
            replace(conf, listen() + "include blocked.conf\n");
            // nats-server -t blocks on the FIFO until its 20 s deadline: the change is not applied.
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> wrapper.output().contains("did not finish within")
                            || !wrapper.process().isAlive());
            assertTrue(wrapper.output().contains("trying again in 1s (attempt 1)"), wrapper.output());
            // The FIFO becomes a file. blocked.conf is named by no config that read, so it is not
            // watched: only the retry of the pending change can apply it, no event will.
            replace(blocked, "max_payload: 7000\n");
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> monitoring.varz().path("max_payload").asInt() == 7000
                            || !wrapper.process().isAlive());
            assertEquals(7000, monitoring.varz().path("max_payload").asInt(), wrapper.output());
            assertTrue(wrapper.process().isAlive(), wrapper.output());
        }
    }

    @Test
    void shouldKeepWatchingAnIncludeBrieflyReplacedByAFifo() throws Exception {
        Path conf = config(listen() + "include inc.conf\n");
        Path include = dir.resolve("inc.conf");
        Files.writeString(include, "max_payload: 1000\n");
        try (Wrapper wrapper = started(env(conf))) {
            Path fifo = dir.resolve("fifo.tmp");
            mkfifo(fifo);
            Files.move(fifo, include, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // Not read (it would block): a passing state, the running config is kept.
            wrapper.awaitOutput("is gone (or is no regular file)");
            // The fix lands in the include only: it must still be watched.
            replace(include, "max_payload: 7000\n");
            await().atMost(APPLIED)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> monitoring.varz().path("max_payload").asInt() == 7000
                            || !wrapper.process().isAlive());
            assertEquals(7000, monitoring.varz().path("max_payload").asInt(), wrapper.output());
        }
    }

    @Test
    void shouldExitWithNatsServersStatusWhileAConfigCheckBlocks() throws Exception {
        Path conf = config(listen());
        mkfifo(dir.resolve("blocked.conf"));
        try (Wrapper wrapper = started(env(conf))) {
            ProcessHandle child = wrapper.awaitStarted();
            replace(conf, listen() + "include blocked.conf\n");
            wrapper.awaitOutput("changed: CONFIG");
            child.destroyForcibly();
            assertEquals(137, wrapper.awaitExit(), wrapper.output());
        }
    }

    @Test
    void shouldForwardSigusr1SoThatNatsServerReopensItsLog() throws Exception {
        Path log = dir.resolve("nats.log");
        Path conf = config(listen() + "log_file: " + log + "\n");
        try (Wrapper wrapper = started(env(conf))) {
            await().atMost(APPLIED).until(() -> Files.exists(log));
            Files.move(log, dir.resolve("nats.log.1")); // what logrotate does
            wrapper.signal(Signal.USR1);
            wrapper.awaitOutput("SIGUSR1: forwarded SIGUSR1 to nats-server");
            await().atMost(APPLIED)
                    .until(() -> Files.exists(log) || !wrapper.process().isAlive());
            assertTrue(Files.exists(log), "nats-server did not reopen its log file:\n" + wrapper.output());
            assertTrue(wrapper.process().isAlive(), wrapper.output());
            assertTrue(monitoring.healthy());
        }
    }

    @Test
    void shouldForwardSigusr2SoThatNatsServerEntersLameDuckMode() throws Exception {
        Path conf = config(listen());
        try (Wrapper wrapper = started(env(conf))) {
            wrapper.signal(Signal.USR2);
            wrapper.awaitOutput("SIGUSR2: forwarded SIGUSR2 to nats-server");
            // nats-server's own line, on the stderr it shares with the wrapper.
            wrapper.awaitOutput("Entering lame duck mode");
            // With no client to wait for, nats-server ends its lame duck at once and exits 0: the
            // wrapper follows with that status (never 140, death by its own SIGUSR2).
            assertEquals(0, wrapper.awaitExit(), wrapper.output());
            assertTrue(wrapper.output().contains("nats-server (pid "), wrapper.output());
        }
    }

    @Test
    void shouldStartOnlyOnTheWholeConfig() throws Exception {
        Path conf = dir.resolve("server.conf");
        Map<String, String> env = env(conf);
        env.put("NATS_CONFIG_WAIT", "30s");
        // The first half of a config written in two steps: not valid, nats-server must not start.
        Files.writeString(conf, listen() + "authorization {\n  user: admin\n");
        try (Wrapper wrapper = Wrapper.start(dir, env)) {
            wrapper.awaitOutput("is not valid yet");
            assertFalse(wrapper.output().contains("started nats-server"), wrapper.output());
            Files.writeString(conf, listen() + "authorization {\n  user: admin\n  password: s3cret\n}\n");
            wrapper.awaitStarted();
            monitoring.awaitHealthy(Duration.ofSeconds(20));
            // An anonymous client is refused: the server runs the whole config.
            assertTrue(anonymousConnectIsRefused(), wrapper.output());
        }
    }

    @Test
    void shouldLeaveALongSettledConfigToNatsServersOwnCheck() throws Exception {
        Path conf = dir.resolve("server.conf");
        Map<String, String> env = env(conf);
        env.put("NATS_CONFIG_WAIT", "30s");
        // Untouched for a minute, with the file it names: no writer is under way, so no
        // 'nats-server -t' before the start. Our reader reads the config; nats-server refuses it
        // itself (the certificate is no PEM), and the wrapper exits with its status at once
        // instead of waiting NATS_CONFIG_WAIT for a valid one.
        Path pem = dir.resolve("bad.pem");
        Files.writeString(pem, "not a certificate\n");
        Files.writeString(conf, listen() + "tls {\n  cert_file: \"" + pem + "\"\n  key_file: \"" + pem + "\"\n}\n");
        FileTime minuteAgo = FileTime.from(Instant.now().minus(Duration.ofMinutes(1)));
        Files.setLastModifiedTime(pem, minuteAgo);
        Files.setLastModifiedTime(conf, minuteAgo);
        try (Wrapper wrapper = Wrapper.start(dir, env)) {
            assertEquals(1, wrapper.awaitExit(), wrapper.output());
            assertFalse(wrapper.output().contains("is not valid yet"), wrapper.output());
            assertTrue(wrapper.output().contains("exited by itself"), wrapper.output());
        }
    }

    @Test
    void shouldStartWhenTheKeyPairTheConfigNamesAppearsDuringTheWait() throws Exception {
        Path ssl = Files.createDirectories(dir.resolve("ssl"));
        Path conf = config(listen()
                + "tls {\n  cert_file: \"" + ssl.resolve("server.crt") + "\"\n  key_file: \""
                + ssl.resolve("server.key") + "\"\n}\n");
        Map<String, String> env = env(conf);
        env.put("NATS_CONFIG_WAIT", "20s");
        try (Wrapper wrapper = Wrapper.start(dir, env)) {
            wrapper.awaitOutput("is not valid yet");
            // NATS_CONF itself does not change: the files it names are what the wait watches too.
            TlsFixture tls = TlsFixture.create(dir.resolve("pki"));
            Files.copy(tls.keyFile(), ssl.resolve("server.key"));
            Files.copy(tls.certFile(), ssl.resolve("server.crt"));
            wrapper.awaitStarted();
            monitoring.awaitHealthy(APPLIED);
            assertTrue(monitoring.varz().path("tls_required").asBoolean(), wrapper.output());
        }
    }

    @Test
    void shouldStartWhenAnIncludeAppearsDuringTheWait() throws Exception {
        Path conf = config(listen() + "include \"late.conf\"\n");
        Map<String, String> env = env(conf);
        env.put("NATS_CONFIG_WAIT", "20s");
        try (Wrapper wrapper = Wrapper.start(dir, env)) {
            wrapper.awaitOutput("is not valid yet");
            Files.writeString(dir.resolve("late.conf"), "server_name: late\n");
            wrapper.awaitStarted();
            monitoring.awaitHealthy(APPLIED);
            assertEquals("late", monitoring.varz().path("server_name").asText());
            String output = wrapper.output();
            assertEquals(
                    1,
                    output.lines().filter(l -> l.contains("is not valid yet")).count(),
                    output);
            assertTrue(
                    output.indexOf("waiting up to 20s") < output.indexOf("is not valid yet"),
                    "announced before the first check:\n" + output);
        }
    }

    @Test
    void shouldNotCheckAnIncludeCycleAtStartAndExit3WithIt() throws Exception {
        Files.writeString(dir.resolve("a.conf"), "include \"b.conf\"\n");
        Files.writeString(dir.resolve("b.conf"), "include \"a.conf\"\n");
        Path conf = config(listen() + "include \"a.conf\"\n");
        Map<String, String> env = env(conf);
        env.put("NATS_CONFIG_WAIT", "3s");
        try (Wrapper wrapper = Wrapper.start(dir, env)) {
            assertEquals(3, wrapper.awaitExit(), wrapper.output());
            String output = wrapper.output();
            String end = output.lines()
                    .filter(l -> l.contains("was not there, stable and valid within 3s"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(output));
            assertTrue(end.contains("include cycle: "), end);
            assertFalse(output.contains("did not finish within"), output);
        }
    }

    @Test
    void shouldAnnounceTheWaitBeforeAFirstCheckThatHangs() throws Exception {
        // Settled for a minute, but naming a FIFO our reader refuses: 'nats-server -t' runs at
        // once and blocks on the FIFO. What is awaited is said before, not after its timeout.
        mkfifo(dir.resolve("fifo.conf"));
        Path conf = config(listen() + "include \"fifo.conf\"\n");
        Files.setLastModifiedTime(conf, FileTime.from(Instant.now().minus(Duration.ofMinutes(1))));
        Map<String, String> env = env(conf);
        env.put("NATS_CONFIG_WAIT", "60s");
        try (Wrapper wrapper = Wrapper.start(dir, env)) {
            wrapper.awaitOutput("waiting up to 1m0s for NATS_CONF");
            String output = wrapper.output();
            int judged = output.indexOf("is not valid yet");
            assertTrue(judged < 0 || judged > output.indexOf("waiting up to 1m0s"), output);
            wrapper.signal(Signal.TERM);
            assertEquals(0, wrapper.awaitExit(), wrapper.output());
        }
    }

    private boolean anonymousConnectIsRefused() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), clientPort)) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            readLine(in); // INFO
            OutputStream out = socket.getOutputStream();
            out.write("CONNECT {\"verbose\":false}\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readLine(in).startsWith("-ERR 'Authorization Violation'");
        }
    }

    private static String readLine(InputStream in) throws Exception {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString();
    }

    @Test
    void shouldRefuseAFifoAsNatsConf() throws Exception {
        Path conf = dir.resolve("server.conf");
        mkfifo(conf);
        try (Wrapper wrapper = Wrapper.start(dir, env(conf))) {
            assertEquals(3, wrapper.awaitExit(), wrapper.output());
            assertTrue(wrapper.output().contains("is a FIFO, not a regular file"), wrapper.output());
            assertFalse(wrapper.output().contains("started nats-server"), wrapper.output());
        }
    }

    @Test
    void shouldNameADanglingSymlinkAsNatsConf() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.createSymbolicLink(conf, Path.of("..data/server.conf"));
        Map<String, String> env = env(conf);
        env.put("NATS_CONFIG_WAIT", "1s");
        try (Wrapper wrapper = Wrapper.start(dir, env)) {
            assertEquals(3, wrapper.awaitExit(), wrapper.output());
            assertTrue(
                    wrapper.output().contains("it is a symlink to '..data/server.conf', which does not exist"),
                    wrapper.output());
        }
    }

    @Test
    void shouldNameASymlinkLoopAsNatsConf() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.createSymbolicLink(dir.resolve("loop1"), Path.of("loop2"));
        Files.createSymbolicLink(dir.resolve("loop2"), Path.of("loop1"));
        Files.createSymbolicLink(conf, Path.of("loop1"));
        Map<String, String> env = env(conf);
        env.put("NATS_CONFIG_WAIT", "1s");
        try (Wrapper wrapper = Wrapper.start(dir, env)) {
            assertEquals(3, wrapper.awaitExit(), wrapper.output());
            assertTrue(wrapper.output().contains("it is a symlink loop (through 'loop1')"), wrapper.output());
            assertFalse(wrapper.output().contains("which does not exist"), wrapper.output());
        }
    }

    @Test
    void shouldReportAnUnreloadableOptionAtOnceAndKeepRunning() throws Exception {
        Path conf = config(listen() + "max_payload: 1000\n");
        try (Wrapper wrapper = started(env(conf))) {
            String loadedAt = monitoring.varz().path("config_load_time").asText();
            int other = FreePorts.next();
            replace(conf, "listen: 127.0.0.1:" + other + "\nmax_payload: 2000\n");
            wrapper.awaitOutput(
                    "nats-server cannot reload listen '127.0.0.1:" + clientPort + "' -> '127.0.0.1:" + other + "'");
            assertFalse(wrapper.output().contains("reloading nats-server"), wrapper.output());
            assertEquals(loadedAt, monitoring.varz().path("config_load_time").asText());
            assertTrue(wrapper.process().isAlive());
        }
    }

    @Test
    void shouldRestartForAnUnreloadableOptionWhenAsked() throws Exception {
        Path conf = config(listen() + "max_payload: 1000\n");
        Map<String, String> env = env(conf);
        env.put("NATS_RESTART_ON_UNRELOADABLE", "true");
        try (Wrapper wrapper = started(env)) {
            ProcessHandle first = wrapper.awaitStarted();
            int other = FreePorts.next();
            replace(conf, "listen: 127.0.0.1:" + other + "\nmax_payload: 2000\n");
            wrapper.awaitOutput("restarted nats-server (now pid ");
            await().atMost(APPLIED)
                    .until(() -> monitoring.healthy()
                            && monitoring.varz().path("port").asInt() == other);
            assertEquals(2000, monitoring.varz().path("max_payload").asInt());
            assertFalse(first.isAlive(), "the old nats-server still runs");
            assertTrue(wrapper.process().isAlive(), wrapper.output());
        }
    }

    @Test
    void shouldKillAtOnceWithAZeroShutdownTimeout() throws Exception {
        Map<String, String> env = env(config(listen()));
        env.put("NATS_SHUTDOWN_TIMEOUT", "0");
        try (Wrapper wrapper = started(env)) {
            wrapper.signal(Signal.TERM);
            assertEquals(137, wrapper.awaitExit(), wrapper.output());
            assertTrue(wrapper.output().contains("SIGKILL after 0s"), wrapper.output());
            assertFalse(wrapper.output().contains("PT0S"), wrapper.output());
        }
    }

    @Test
    void shouldGiveUpOnAVersionThatHangs() throws Exception {
        Path hanging = dir.resolve("nats-server");
        Files.writeString(hanging, "#!/bin/sh\nexec sleep 600\n");
        Files.setPosixFilePermissions(hanging, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = env(dir.resolve("server.conf"));
        env.put("NATS_SERVER_BIN", hanging.toString());
        try (Wrapper wrapper = Wrapper.start(dir, env, "version")) {
            int status = wrapper.awaitExit();
            assertNotEquals(0, status, wrapper.output());
            assertTrue(wrapper.output().contains("did not finish within"), wrapper.output());
        }
    }

    @Test
    void shouldStartOnAConfigTooLargeForTheReaderAndStillReload() throws Exception {
        // Over the reader's cap (8 MiB at most): pot-nats does not parse it, nats-server judges.
        StringBuilder big = new StringBuilder(listen()).append("max_payload: 1000\n");
        String comment = "# " + "x".repeat(1021) + "\n";
        while (big.length() < 9 * 1024 * 1024) {
            big.append(comment);
        }
        Path conf = config(big.toString());
        try (Wrapper wrapper = started(env(conf))) {
            assertTrue(wrapper.output().contains("pot-nats does not read configs over"), wrapper.output());
            replace(conf, big.toString().replace("max_payload: 1000", "max_payload: 3000"));
            await().atMost(APPLIED)
                    .until(() -> monitoring.varz().path("max_payload").asInt() == 3000
                            || !wrapper.process().isAlive());
            assertEquals(3000, monitoring.varz().path("max_payload").asInt(), wrapper.output());
        }
    }
}
