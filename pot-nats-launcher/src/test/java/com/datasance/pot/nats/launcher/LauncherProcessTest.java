package com.datasance.pot.nats.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.ChildProcess.Signal;
import com.datasance.pot.nats.testkit.Monitoring;
import com.datasance.pot.nats.testkit.NatsServerBinary;
import com.datasance.pot.nats.testkit.WrapperEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The launcher end to end: a real wrapper process supervising the real nats-server. */
class LauncherProcessTest {

    @TempDir
    Path dir;

    private final WrapperEnvironment ports = WrapperEnvironment.onFreePorts();
    private final Monitoring monitoring = ports.monitoring();

    private Map<String, String> env(Path conf) {
        return ports.env(conf).set("NATS_SHUTDOWN_TIMEOUT", "10s").build();
    }

    private Path config(String text) throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, text);
        return conf;
    }

    private Wrapper start(Map<String, String> env, String... extraArgs) {
        List<String> args = new ArrayList<>(ports.listenArguments());
        args.addAll(List.of(extraArgs));
        return Wrapper.start(dir, env, args.toArray(String[]::new));
    }

    @Test
    void shouldStartNatsServerWithWrapperEnvironmentAndPassthroughArgs() throws Exception {
        Map<String, String> env = env(config("max_connections: $POT_TEST_MAX_CONNECTIONS\n"));
        env.put("POT_TEST_MAX_CONNECTIONS", "77");
        try (Wrapper wrapper = start(env, "-n", "passthrough_name")) {
            wrapper.awaitStarted();
            monitoring.awaitHealthy(Duration.ofSeconds(20));
            assertEquals(77, monitoring.varz().path("max_connections").asInt());
            assertEquals(
                    "passthrough_name", monitoring.varz().path("server_name").asText());
            assertEquals(ports.clientPort(), monitoring.varz().path("port").asInt());
        }
    }

    @Test
    void shouldForwardSighupAsReload() throws Exception {
        Path conf = config("max_payload: 1000\n");
        try (Wrapper wrapper = start(env(conf))) {
            wrapper.awaitStarted();
            monitoring.awaitHealthy(Duration.ofSeconds(20));
            String loadedAt = monitoring.varz().path("config_load_time").asText();
            Files.writeString(conf, "max_payload: 2000\n");
            wrapper.signal(Signal.HUP);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> monitoring.varz().path("max_payload").asInt() == 2000);
            assertNotEquals(loadedAt, monitoring.varz().path("config_load_time").asText());
            assertTrue(wrapper.process().isAlive());
        }
    }

    @Test
    void shouldStopNatsServerAndExitZeroOnSigterm() throws Exception {
        try (Wrapper wrapper = start(env(config("")))) {
            ProcessHandle child = wrapper.awaitStarted();
            monitoring.awaitHealthy(Duration.ofSeconds(20));
            wrapper.signal(Signal.TERM);
            assertEquals(0, wrapper.awaitExit(), wrapper.output());
            assertFalse(child.isAlive(), "nats-server pid " + child.pid() + " outlived the wrapper");
            assertTrue(wrapper.output().contains("nats-server stopped: exit status 0"), wrapper.output());
        }
    }

    @Test
    void shouldExitZeroWhenSigtermReachesTheWholeProcessGroup() throws Exception {
        // What timeout(1), systemd (KillMode=control-group) and kill -TERM -PGID do: one SIGTERM to
        // nats-server and the wrapper at once; nats-server exits 1 on its own SIGTERM, often before
        // the wrapper's handler runs. nats-server is signalled first, the harder order.
        try (Wrapper wrapper = start(env(config("")))) {
            ProcessHandle child = wrapper.awaitStarted();
            monitoring.awaitHealthy(Duration.ofSeconds(20));
            Process kill = new ProcessBuilder(
                            "kill", "-s", "TERM", Long.toString(child.pid()), Long.toString(wrapper.pid()))
                    .inheritIO()
                    .start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS), "kill did not finish");
            assertEquals(0, kill.exitValue());

            assertEquals(0, wrapper.awaitExit(), wrapper.output());
            assertFalse(child.isAlive(), "nats-server pid " + child.pid() + " outlived the wrapper");
            assertFalse(wrapper.output().contains("[ERR]"), wrapper.output());
        }
    }

    @Test
    void shouldHandleSigintAndSighupItWasStartedWithIgnored() throws Exception {
        // `pot-nats &` in a script starts the JVM with SIGINT ignored, nohup with SIGHUP ignored;
        // the JVM keeps an inherited SIG_IGN unless the wrapper takes the signal back.
        List<String> args = ports.listenArguments();
        try (Wrapper wrapper =
                Wrapper.startIgnoring(List.of("INT", "HUP"), dir, env(config("")), args.toArray(String[]::new))) {
            ProcessHandle child = wrapper.awaitStarted();
            monitoring.awaitHealthy(Duration.ofSeconds(20));
            String loadedAt = monitoring.varz().path("config_load_time").asText();
            wrapper.signal(Signal.HUP);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !loadedAt.equals(
                            monitoring.varz().path("config_load_time").asText()));

            wrapper.signal(Signal.INT);
            assertEquals(0, wrapper.awaitExit(), wrapper.output());
            assertFalse(child.isAlive(), "nats-server pid " + child.pid() + " outlived the wrapper");
            assertTrue(wrapper.output().contains("nats-server stopped: exit status 0"), wrapper.output());
        }
    }

    @Test
    void shouldStopNatsServerInLameDuckModeOnSigint() throws Exception {
        Map<String, String> env = env(config(""));
        env.put("NATS_LAME_DUCK", "true");
        // Half of the budget goes to lame duck mode, half to the SIGINT after it: on a loaded
        // machine 2s (1s each) ran out and ended in SIGKILL (137). Without clients it exits at once.
        env.put("NATS_SHUTDOWN_TIMEOUT", "20s");
        try (Wrapper wrapper = start(env)) {
            ProcessHandle child = wrapper.awaitStarted();
            monitoring.awaitHealthy(Duration.ofSeconds(20));
            wrapper.signal(Signal.INT);
            assertEquals(0, wrapper.awaitExit(), wrapper.output());
            assertFalse(child.isAlive());
            assertTrue(wrapper.output().contains("in lame duck mode"), wrapper.output());
        }
    }

    @Test
    void shouldExitWith137WhenNatsServerIsKilled() throws Exception {
        try (Wrapper wrapper = start(env(config("")))) {
            ProcessHandle child = wrapper.awaitStarted();
            child.destroyForcibly(); // SIGKILL
            assertEquals(137, wrapper.awaitExit(), wrapper.output());
        }
    }

    @Test
    void shouldStartWhenConfigAppearsLate() throws Exception {
        Path conf = dir.resolve("late/server.conf");
        Map<String, String> env = env(conf);
        env.put("NATS_CONFIG_WAIT", "20s");
        try (Wrapper wrapper = start(env)) {
            wrapper.awaitOutput("waiting up to 20s for NATS_CONF '" + conf + "'");
            Files.createDirectories(conf.getParent());
            Files.writeString(conf, "server_name: late\n");
            wrapper.awaitStarted();
            monitoring.awaitHealthy(Duration.ofSeconds(20));
            assertEquals("late", monitoring.varz().path("server_name").asText());
        }
    }

    @Test
    void shouldExitZeroOnSigtermWhileWaitingForTheConfig() throws Exception {
        Path conf = dir.resolve("late/server.conf");
        Map<String, String> env = env(conf);
        env.put("NATS_CONFIG_WAIT", "30s");
        try (Wrapper wrapper = start(env)) {
            wrapper.awaitOutput("waiting up to 30s for NATS_CONF '" + conf + "'");
            wrapper.signal(Signal.TERM);
            assertEquals(0, wrapper.awaitExit(), wrapper.output());
            assertTrue(wrapper.output().contains("SIGTERM while waiting for NATS_CONF"), wrapper.output());
        }
    }

    @Test
    void shouldStopGracefullyOnSigtermSentTheMomentNatsServerAnswers() throws Exception {
        try (Wrapper wrapper = start(env(config("")))) {
            // No wait for the wrapper's own log line: an orchestrator only sees the server ready.
            monitoring.awaitHealthy(Duration.ofSeconds(20));
            wrapper.signal(Signal.TERM);
            assertEquals(0, wrapper.awaitExit(), wrapper.output());
            assertTrue(wrapper.output().contains("nats-server stopped: exit status 0"), wrapper.output());
        }
    }

    @Test
    void shouldExit3WhenConfigNeverAppears() throws Exception {
        Map<String, String> env = env(dir.resolve("never.conf"));
        env.put("NATS_CONFIG_WAIT", "300ms");
        try (Wrapper wrapper = start(env)) {
            assertEquals(3, wrapper.awaitExit());
            assertTrue(wrapper.output().contains("did not appear within 300ms"), wrapper.output());
        }
    }

    @Test
    void shouldExit4WhenBinaryIsMissing() throws Exception {
        Map<String, String> env = env(config(""));
        env.put("NATS_SERVER_BIN", dir.resolve("no-such-nats-server").toString());
        try (Wrapper wrapper = start(env)) {
            assertEquals(4, wrapper.awaitExit());
            assertTrue(
                    wrapper.output().contains("'" + dir.resolve("no-such-nats-server") + "' (missing)"),
                    wrapper.output());
        }
    }

    @ParameterizedTest
    @CsvSource({
        "NATS_CONF, '  '",
        "NATS_ACCOUNTS, '  '",
        "NATS_SSL_DIR, '  '",
        "NATS_JWT_DIR, '  '",
        "NATS_CREDS_DIR, '  '",
        "NATS_SERVER_BIN, '  '",
        "NATS_MONITOR_PORT, abc",
        "NATS_SYS_USER_CRED_PATH, '  '",
        "NATS_CLIENT_URL, http://x",
        "NATS_JETSTREAM_STORE_DIR, '  '",
        "NATS_JWT_MOUNT_DIR, '  '",
        "NATS_SERVER_MODE, hub",
        "NATS_RELOAD_DEBOUNCE, 5",
        "NATS_CONFIG_WAIT, -1s",
        "NATS_SHUTDOWN_TIMEOUT, soon",
        "NATS_LAME_DUCK, maybe",
        "NATS_RESTART_ON_ACCOUNT_REMOVAL, maybe",
        "POT_NATS_DEBUG, maybe"
    })
    void shouldExit2NamingTheBadVariable(String variable, String value) throws Exception {
        Map<String, String> env = env(config(""));
        env.put(variable, value);
        try (Wrapper wrapper = start(env)) {
            assertEquals(2, wrapper.awaitExit(), wrapper.output());
            String output = wrapper.output();
            assertTrue(output.contains("[ERR] bad value for " + variable + ": '" + value + "'; expected "), output);
            assertEquals(1, output.lines().count(), output);
        }
    }

    @Test
    void shouldExit2WhenTheJwtMountDirIsTheJwtDirForRunAndReconcile() throws Exception {
        Path jwt = Files.createDirectories(dir.resolve("jwt"));
        Map<String, String> env = env(config(""));
        env.put("NATS_JWT_DIR", jwt.toString());
        env.put("NATS_JWT_MOUNT_DIR", jwt.toString());
        for (String[] args : List.of(new String[0], new String[] {"reconcile", "--dry-run"})) {
            try (Wrapper wrapper = Wrapper.start(dir, env, args)) {
                assertEquals(2, wrapper.awaitExit(), wrapper.output());
                String output = wrapper.output();
                assertEquals(1, output.lines().count(), output);
                assertTrue(
                        output.contains("[ERR] bad value for NATS_JWT_MOUNT_DIR: '" + jwt + "' and NATS_JWT_DIR '" + jwt
                                + "' must be different directories, neither inside the other"),
                        output);
            }
        }
    }

    @Test
    void shouldExit2WhenArgsNameAnotherConfig() throws Exception {
        Path other = dir.resolve("other.conf");
        Files.writeString(other, "");
        try (Wrapper wrapper = start(env(config("")), "-c", other.toString())) {
            assertEquals(2, wrapper.awaitExit(), wrapper.output());
            String output = wrapper.output();
            assertEquals(1, output.lines().count(), output);
            assertTrue(output.contains("the config comes from NATS_CONF, not from -c/--config"), output);
        }
    }

    @Test
    void shouldExit2WhenArgsMoveMonitoringAwayFromNatsMonitorPort() throws Exception {
        Map<String, String> env = env(config(""));
        try (Wrapper wrapper = start(env, "-m", "1")) {
            assertEquals(2, wrapper.awaitExit(), wrapper.output());
            String output = wrapper.output();
            assertEquals(1, output.lines().count(), output);
            assertTrue(
                    output.contains(
                            "'-m' '1' moves monitoring away from NATS_MONITOR_PORT=" + env.get("NATS_MONITOR_PORT")),
                    output);
        }
    }

    @Test
    void shouldExit2ForUnknownCommandAndPrintVersions() throws Exception {
        try (Wrapper wrapper = Wrapper.start(dir, Map.of(), "serve")) {
            assertEquals(2, wrapper.awaitExit());
            assertTrue(wrapper.output().contains("unknown command 'serve'"), wrapper.output());
        }
        Map<String, String> env =
                Map.of("NATS_SERVER_BIN", NatsServerBinary.require().toString());
        try (Wrapper wrapper = Wrapper.start(dir, env, "version")) {
            assertEquals(0, wrapper.awaitExit(), wrapper.output());
            assertTrue(wrapper.output().startsWith("pot-nats "), wrapper.output());
            assertTrue(wrapper.output().contains("nats-server: v"), wrapper.output());
        }
    }
}
