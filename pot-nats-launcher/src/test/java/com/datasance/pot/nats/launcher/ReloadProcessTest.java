package com.datasance.pot.nats.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.ChildProcess.Signal;
import com.datasance.pot.nats.testkit.KubeletAtomicWriter;
import com.datasance.pot.nats.testkit.Monitoring;
import com.datasance.pot.nats.testkit.TlsFixture;
import com.datasance.pot.nats.testkit.WrapperEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reload wiring end to end: a real wrapper process watching its mounts and driving the real
 * nats-server, observed through {@code /varz}. No {@code -n NAME} on the command line here:
 * nats-server 2.9.10 refuses every SIGHUP reload when a command-line flag differs from the config.
 */
class ReloadProcessTest {

    private static final Duration APPLIED = Duration.ofSeconds(20);
    private static final Pattern RESTARTED = Pattern.compile("restarted nats-server \\(pid (\\d+)\\)");

    @TempDir
    Path dir;

    private final WrapperEnvironment ports = WrapperEnvironment.onFreePorts();
    private final Monitoring monitoring = ports.monitoring();

    private Map<String, String> env(Path conf) {
        return Wrapper.watchingEnv(ports, dir, conf);
    }

    private Wrapper start(Map<String, String> env) throws InterruptedException {
        Wrapper wrapper = Wrapper.start(dir, env, ports.listenArguments().toArray(String[]::new));
        wrapper.awaitWatching(monitoring);
        return wrapper;
    }

    private String loadTime() {
        return monitoring.varz().path("config_load_time").asText();
    }

    private void awaitMaxPayload(Wrapper wrapper, int expected) {
        await().atMost(APPLIED)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> monitoring.varz().path("max_payload").asInt() == expected
                        || !wrapper.process().isAlive());
        assertEquals(expected, monitoring.varz().path("max_payload").asInt(), wrapper.output());
    }

    private void awaitLoadTimeChange(Wrapper wrapper, String before) {
        await().atMost(APPLIED)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !loadTime().equals(before) || !wrapper.process().isAlive());
        assertNotEquals(before, loadTime(), wrapper.output());
    }

    private static long count(String text, String part) {
        return text.lines().filter(line -> line.contains(part)).count();
    }

    /**
     * A change nats-server 2.9.10 refuses ("config reload not supported for ..."): the wrapper says
     * so at once, sends no SIGHUP, and nats-server keeps its config; with
     * NATS_RESTART_ON_UNRELOADABLE=true it restarts nats-server on the new config instead.
     */
    private void assertRefusedThenRestarted(String before, String after, String refused) throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "max_payload: 1000\n" + before);
        try (Wrapper wrapper = start(env(conf))) {
            String loadedAt = loadTime();
            Files.writeString(conf, "max_payload: 2000\n" + after);
            wrapper.awaitOutput("nats-server cannot reload " + refused);
            assertFalse(wrapper.output().contains("reloading nats-server"), wrapper.output());
            assertFalse(wrapper.output().contains("did not change within"), wrapper.output());
            assertEquals(loadedAt, loadTime(), wrapper.output());
            assertEquals(1000, monitoring.varz().path("max_payload").asInt(), wrapper.output());
        }
        Files.writeString(conf, "max_payload: 1000\n" + before);
        Map<String, String> env = env(conf);
        env.put("NATS_RESTART_ON_UNRELOADABLE", "true");
        try (Wrapper wrapper = start(env)) {
            ProcessHandle first = wrapper.awaitStarted();
            Files.writeString(conf, "max_payload: 2000\n" + after);
            wrapper.awaitOutput("restarted nats-server (now pid ");
            await().atMost(APPLIED)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> monitoring.healthy()
                            && monitoring.varz().path("max_payload").asInt() == 2000);
            assertTrue(
                    wrapper.output().contains("changed options nats-server cannot reload (" + refused),
                    wrapper.output());
            assertFalse(wrapper.output().contains("did not change within"), wrapper.output());
            assertFalse(first.isAlive(), "the old nats-server still runs");
        }
    }

    @Test
    void shouldRefuseOrRestartForTlsVerifyAndMap() throws Exception {
        // nats-server 2.9.10: "config reload not supported for TLSMap".
        TlsFixture tls = TlsFixture.create(dir.resolve("tls"));
        String files = "cert_file: \"" + tls.certFile() + "\", key_file: \"" + tls.keyFile() + "\", ca_file: \""
                + tls.caFile() + "\"";
        assertRefusedThenRestarted(
                "tls { " + files + " }\n",
                "tls { " + files + ", verify_and_map: true }\n",
                "tls.verify_and_map (unset) -> 'true'");
    }

    @Test
    void shouldRefuseOrRestartForAllowNonTls() throws Exception {
        // nats-server 2.9.10: "config reload not supported for AllowNonTLS".
        TlsFixture tls = TlsFixture.create(dir.resolve("tls"));
        assertRefusedThenRestarted(
                tls.serverConfigBlock(),
                tls.serverConfigBlock() + "allow_non_tls: true\n",
                "allow_non_tls (unset) -> 'true'");
    }

    @Test
    void shouldRefuseOrRestartForJetStreamLimits() throws Exception {
        // nats-server 2.9.10: "config reload not supported for JetStreamLimits".
        String store = "store_dir: \"" + dir.resolve("js") + "\"";
        assertRefusedThenRestarted(
                "jetstream { " + store + ", limits { max_ack_pending: 100 } }\n",
                "jetstream { " + store + ", limits { max_ack_pending: 200 } }\n",
                "jetstream.limits.max_ack_pending '100' -> '200'");
    }

    @Test
    void shouldApplyAConfigMapSwapOfServerConf() throws Exception {
        KubeletAtomicWriter configMap = KubeletAtomicWriter.into(dir.resolve("config"));
        configMap.writeText(Map.of("server.conf", "max_payload: 1000\n"));
        try (Wrapper wrapper = start(env(dir.resolve("config/server.conf")))) {
            configMap.writeText(Map.of("server.conf", "max_payload: 2000\n"));
            awaitMaxPayload(wrapper, 2000);
            wrapper.awaitOutput("reloaded nats-server (pid ");
            assertTrue(wrapper.output().contains("for CONFIG: applied "), wrapper.output());
            configMap.writeText(Map.of("server.conf", "max_payload: 3000\n"));
            awaitMaxPayload(wrapper, 3000);
        }
    }

    @Test
    void shouldEnableJetStreamByAReload() throws Exception {
        // nats-server reloads JetStream on (and its storage with it); only a running JetStream's
        // storage cannot move. The wrapper had refused this as a store_dir change.
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "max_payload: 1000\n");
        try (Wrapper wrapper = start(env(conf))) {
            assertTrue(monitoring.jsz().path("disabled").asBoolean(), wrapper.output());
            Path store = dir.resolve("js");
            Files.writeString(conf, "max_payload: 2000\njetstream { store_dir: \"" + store + "\" }\n");

            awaitMaxPayload(wrapper, 2000);
            // nats-server appends 'jetstream' to the configured store_dir.
            await().atMost(APPLIED)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> monitoring
                            .jsz()
                            .path("config")
                            .path("store_dir")
                            .asText()
                            .startsWith(store.toString()));
            assertFalse(wrapper.output().contains("cannot reload"), wrapper.output());
        }
    }

    @Test
    void shouldReloadWhenAnIncludedFileChanges() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "include parts/limits.conf\n");
        Files.createDirectories(dir.resolve("parts"));
        Files.writeString(dir.resolve("parts/limits.conf"), "max_payload: 1000\n");
        try (Wrapper wrapper = start(env(conf))) {
            Files.writeString(dir.resolve("parts/limits.conf"), "max_payload: 4000\n");
            awaitMaxPayload(wrapper, 4000);
        }
    }

    @Test
    void shouldReloadWhenASecretSwapsInTheSslDir() throws Exception {
        TlsFixture first = TlsFixture.create(dir.resolve("tls1"));
        TlsFixture second = TlsFixture.create(dir.resolve("tls2"));
        KubeletAtomicWriter secret = KubeletAtomicWriter.into(dir.resolve("certs"));
        secret.write(tlsPayload(first));
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "tls {\n  cert_file: certs/tls.crt\n  key_file: certs/tls.key\n}\n");
        try (Wrapper wrapper = start(env(conf))) {
            String before = loadTime();
            secret.write(tlsPayload(second));
            awaitLoadTimeChange(wrapper, before);
            wrapper.awaitOutput("for SSL: applied ");
        }
    }

    private static Map<String, byte[]> tlsPayload(TlsFixture tls) throws Exception {
        return Map.of("tls.crt", Files.readAllBytes(tls.certFile()), "tls.key", Files.readAllBytes(tls.keyFile()));
    }

    @Test
    void shouldWatchACredsDirCreatedAfterStart() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "max_payload: 1000\n");
        try (Wrapper wrapper = start(env(conf))) {
            String before = loadTime();
            Files.createDirectories(dir.resolve("creds/sub"));
            Files.writeString(dir.resolve("creds/sub/user.creds"), "not a secret\n");
            awaitLoadTimeChange(wrapper, before);
            wrapper.awaitOutput("for CREDS: applied ");
        }
    }

    @Test
    void shouldNotReloadForTheSameBytes() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "max_payload: 1000\n");
        Map<String, String> env = env(conf);
        // The watcher's debug line for each pass tells when the rewrite has been looked at.
        env.put("POT_NATS_DEBUG", "true");
        try (Wrapper wrapper = start(env)) {
            String before = loadTime();
            long passes = count(wrapper.output(), "Re-digest (");
            Files.writeString(conf, "max_payload: 1000\n");
            conf.toFile().setLastModified(System.currentTimeMillis() + 5000);
            // The rewrite's own quiet period is over and its pass has run: nothing may have changed.
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> count(wrapper.output(), "Re-digest (") > passes);
            assertEquals(0, count(wrapper.output(), "] changed: "), wrapper.output());
            assertEquals(before, loadTime(), "same bytes must not reload nats-server");
            // A later real change is still applied, once.
            Files.writeString(conf, "max_payload: 5000\n");
            awaitMaxPayload(wrapper, 5000);
            wrapper.awaitOutput("reloaded nats-server (pid ");
            assertNotEquals(before, loadTime());
            assertEquals(1, count(wrapper.output(), "] changed: "), wrapper.output());
            assertEquals(1, count(wrapper.output(), "reloaded nats-server (pid "), wrapper.output());
        }
    }

    @Test
    void shouldApplyAFixMadeOnlyInAnIncludeThatDidNotParse() throws Exception {
        Path conf = dir.resolve("server.conf");
        Path include = dir.resolve("inc.conf");
        Files.writeString(conf, "include \"inc.conf\"\n");
        Files.writeString(include, "max_payload: 1000\n");
        try (Wrapper wrapper = start(env(conf))) {
            Files.writeString(include, "max_payload: 7000\nbar = = 1\n");
            wrapper.awaitOutput("rejects the config");
            assertEquals(1000, monitoring.varz().path("max_payload").asInt());
            Files.writeString(include, "max_payload: 7000\n");
            awaitMaxPayload(wrapper, 7000);
            assertFalse(wrapper.output().contains("is watched for config changes until it reads"), wrapper.output());
        }
    }

    @Test
    void shouldApplyAnIncludeThatAppearsAfterTheConfigNamedIt() throws Exception {
        Path conf = dir.resolve("server.conf");
        Path late = dir.resolve("late.conf");
        Files.writeString(conf, "max_payload: 1000\n");
        try (Wrapper wrapper = start(env(conf))) {
            Files.writeString(conf, "include \"late.conf\"\n");
            wrapper.awaitOutput("rejects the config");
            assertEquals(1000, monitoring.varz().path("max_payload").asInt());
            // The include at fault is watched although it does not exist: its appearance is the fix.
            Files.writeString(late, "max_payload: 7777\n");
            awaitMaxPayload(wrapper, 7777);
        }
    }

    @Test
    void shouldRejectAnIncludeCycleWithoutCheckingItAndApplyTheFix() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "max_payload: 1000\n");
        Files.writeString(dir.resolve("a.conf"), "include \"b.conf\"\n");
        Files.writeString(dir.resolve("b.conf"), "max_payload: 2000\ninclude \"a.conf\"\n");
        try (Wrapper wrapper = start(env(conf))) {
            Files.writeString(conf, "include \"a.conf\"\n");
            wrapper.awaitOutput("not applying the change of CONFIG");
            String rejection = wrapper.output()
                    .lines()
                    .filter(line -> line.contains("not applying the change of CONFIG"))
                    .findFirst()
                    .orElseThrow();
            assertTrue(rejection.contains("[ERR]"), rejection);
            assertTrue(rejection.contains("include cycle: "), rejection);
            assertTrue(rejection.contains("a.conf' -> '"), rejection);
            // Fixed in the include that closed the cycle: the fix is seen and applied.
            Files.writeString(dir.resolve("b.conf"), "max_payload: 3000\n");
            awaitMaxPayload(wrapper, 3000);
            String output = wrapper.output();
            assertEquals(0, count(output, "did not finish within"), output);
            assertEquals(1, count(output, "not applying the change of CONFIG"), output);
        }
    }

    @Test
    void shouldNotReloadWhenTheConfigIsMovedAwayAndBackWithTheSameBytes() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "max_payload: 1000\n");
        try (Wrapper wrapper = start(env(conf))) {
            String before = loadTime();
            Path hold = dir.resolve("hold");
            Files.move(conf, hold);
            wrapper.awaitOutput("is gone");
            Files.move(hold, conf);
            wrapper.awaitOutput("back to what was last applied");
            assertEquals(before, loadTime(), "the same bytes back must not reload nats-server");
            // A later change elsewhere reloads once, for itself only: the config is no change.
            Files.createDirectories(dir.resolve("creds"));
            Files.writeString(dir.resolve("creds/user.creds"), "not a secret\n");
            wrapper.awaitOutput("for CREDS: applied ");
            String output = wrapper.output();
            assertEquals(1, count(output, "reloaded nats-server (pid "), output);
            String gone = output.lines()
                    .filter(line -> line.contains("is gone"))
                    .findFirst()
                    .orElseThrow();
            assertTrue(gone.contains("[WRN]"), gone);
            assertEquals(0, count(output, "[ERR]"), output);
        }
    }

    @Test
    void shouldNotSignalAnInvalidConfigAndApplyTheNextValidOne() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "max_payload: 1000\n");
        try (Wrapper wrapper = start(env(conf))) {
            String before = loadTime();
            Files.writeString(conf, "max_payload: 2000\nauthorization {\n  user: a\n");
            wrapper.awaitOutput("rejects the config");
            String rejection = wrapper.output()
                    .lines()
                    .filter(line -> line.contains("rejects the config"))
                    .findFirst()
                    .orElseThrow();
            assertTrue(rejection.contains("[ERR]"), rejection);
            assertTrue(rejection.contains(conf + ":"), rejection);
            assertTrue(rejection.contains("Unexpected EOF"), rejection);
            assertTrue(wrapper.process().isAlive());
            assertEquals(before, loadTime());
            assertEquals(1000, monitoring.varz().path("max_payload").asInt());
            Files.writeString(conf, "max_payload: 3000\n");
            awaitMaxPayload(wrapper, 3000);
        }
    }

    @Test
    void shouldRestartInLeafModeForAConfigChangeAndOnlyReloadForACertificate() throws Exception {
        TlsFixture first = TlsFixture.create(dir.resolve("tls1"));
        TlsFixture second = TlsFixture.create(dir.resolve("tls2"));
        KubeletAtomicWriter secret = KubeletAtomicWriter.into(dir.resolve("certs"));
        secret.write(tlsPayload(first));
        Path conf = dir.resolve("server.conf");
        String tls = "tls {\n  cert_file: certs/tls.crt\n  key_file: certs/tls.key\n}\n";
        Files.writeString(conf, "max_payload: 1000\n" + tls);
        Map<String, String> env = env(conf);
        env.put("NATS_SERVER_MODE", "leaf");
        try (Wrapper wrapper = start(env)) {
            ProcessHandle firstServer =
                    wrapper.process().handle().children().findFirst().orElseThrow();
            String firstStart = monitoring.varz().path("start").asText();

            Files.writeString(conf, "max_payload: 2000\n" + tls);
            wrapper.awaitOutput("restarted nats-server (pid ");
            Matcher restarted = RESTARTED.matcher(wrapper.output());
            assertTrue(restarted.find(), wrapper.output());
            long secondPid = Long.parseLong(restarted.group(1));
            assertNotEquals(firstServer.pid(), secondPid);
            wrapper.awaitOutput("restarted nats-server (now pid " + secondPid + ") for CONFIG, ");
            assertFalse(firstServer.isAlive(), "the old nats-server still runs");
            monitoring.awaitHealthy(Duration.ofSeconds(20));
            awaitMaxPayload(wrapper, 2000);
            assertNotEquals(firstStart, monitoring.varz().path("start").asText());
            assertTrue(wrapper.process().isAlive());

            String secondStart = monitoring.varz().path("start").asText();
            String before = loadTime();
            secret.write(tlsPayload(second));
            awaitLoadTimeChange(wrapper, before);
            assertEquals(secondStart, monitoring.varz().path("start").asText());
            assertTrue(ProcessHandle.of(secondPid).map(ProcessHandle::isAlive).orElse(false));
            assertEquals(1, count(wrapper.output(), "restarted nats-server (pid "), wrapper.output());

            wrapper.signal(Signal.TERM);
            assertEquals(0, wrapper.awaitExit(), wrapper.output());
            assertFalse(ProcessHandle.of(secondPid).map(ProcessHandle::isAlive).orElse(false));
        }
    }
}
