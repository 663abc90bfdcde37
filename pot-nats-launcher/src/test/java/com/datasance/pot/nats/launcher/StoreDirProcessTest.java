package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.NatsServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pot-nats store-dir} in a child JVM, compared with what a real nats-server reports for the
 * same config in {@code /varz} {@code jetstream.config.store_dir}.
 */
class StoreDirProcessTest {

    @TempDir
    Path dir;

    private record Result(int status, String output) {}

    private Result storeDir(Map<String, String> env, String... args) throws Exception {
        String[] argv = new String[args.length + 1];
        argv[0] = "store-dir";
        System.arraycopy(args, 0, argv, 1, args.length);
        try (Wrapper wrapper = Wrapper.start(dir, env, argv)) {
            int status = wrapper.awaitExit();
            return new Result(status, wrapper.output().strip());
        }
    }

    /** Starts nats-server with the config (working directory: its directory) and reads /varz. */
    private static String varzStoreDir(Path conf, Map<String, String> env) throws Exception {
        try (NatsServerFixture server = NatsServerFixture.start(conf, List.of(), env)) {
            return server.monitoring()
                    .varz()
                    .path("jetstream")
                    .path("config")
                    .path("store_dir")
                    .asText();
        }
    }

    private void assertSameAsNatsServer(Path conf, Map<String, String> env) throws Exception {
        Result result = storeDir(env, "--config", conf.toString());
        assertEquals(0, result.status(), result.output());
        // 2.9.10 reports a relative store_dir as given, relative to its working directory (the
        // config's directory under pot-nats); store-dir prints it absolute.
        assertEquals(
                conf.getParent().resolve(varzStoreDir(conf, env)).normalize().toString(), result.output());
    }

    @Test
    void shouldPrintTheStoreDirOfARelativeStoreDirAsNatsServerReportsIt() throws Exception {
        Path conf = dir.resolve("conf/server.conf");
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, "jetstream {\n  store_dir: \"data\"\n}\n");
        assertSameAsNatsServer(conf, Map.of());
        assertTrue(storeDir(Map.of(), "--config", conf.toString()).output().endsWith("/conf/data/jetstream"));
    }

    @Test
    void shouldFollowIncludesAndVariablesFromTheEnvironment() throws Exception {
        Path conf = dir.resolve("conf/server.conf");
        Files.createDirectories(conf.getParent().resolve("parts"));
        Files.writeString(conf, "include parts/js.conf\n");
        Files.writeString(conf.getParent().resolve("parts/js.conf"), "jetstream: { store_dir: $POT_TEST_STORE }\n");
        Map<String, String> env =
                Map.of("POT_TEST_STORE", dir.resolve("from-env").toString());
        assertSameAsNatsServer(conf, env);
        assertEquals(
                dir.resolve("from-env/jetstream").toString(),
                storeDir(env, "--config", conf.toString()).output());
    }

    @Test
    void shouldExit2WhenJetStreamIsNotEnabled() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "accounts { A { jetstream: enabled } }\n");
        Result result = storeDir(Map.of(), "--config", conf.toString());
        assertEquals(2, result.status(), result.output());
        assertEquals(1, result.output().lines().count(), result.output());
        assertTrue(result.output().contains("JetStream is not enabled"), result.output());
    }

    @Test
    void shouldExit1WithThePositionWhenTheConfigDoesNotParse() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "port: 4222\njetstream {\n  store_dir: /data\n");
        Result result = storeDir(Map.of(), "--config", conf.toString());
        assertEquals(1, result.status(), result.output());
        assertEquals(1, result.output().lines().count(), result.output());
        assertTrue(result.output().startsWith(conf + ":"), result.output());
    }

    @Test
    void shouldExit1WhenAVariableIsUndefinedOrTheFileIsMissing() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "jetstream { store_dir: $POT_TEST_UNDEFINED }\n");
        Result undefined = storeDir(Map.of(), "--config", conf.toString());
        assertEquals(1, undefined.status(), undefined.output());
        assertTrue(undefined.output().startsWith(conf + ":1:"), undefined.output());
        Result missing =
                storeDir(Map.of(), "--config", dir.resolve("missing.conf").toString());
        assertEquals(1, missing.status(), missing.output());
        assertTrue(missing.output().contains(dir.resolve("missing.conf").toString()), missing.output());
    }

    @Test
    void shouldPrintAConfigNameWithControlCharactersOnOneLine() throws Exception {
        Path conf = dir.resolve("bad\nname\u001b[31m.conf");
        Files.writeString(conf, "jetstream {\n  store_dir: /data\n");
        Result broken = storeDir(Map.of(), "--config", conf.toString());
        assertEquals(1, broken.status(), broken.output());
        assertEquals(1, broken.output().lines().count(), broken.output());
        assertFalse(broken.output().contains("\u001b"), broken.output());
        assertTrue(broken.output().startsWith(dir + "/bad\\nname\\u001b[31m.conf:"), broken.output());
        Files.writeString(conf, "port: 4222\n");
        Result off = storeDir(Map.of(), "--config", conf.toString());
        assertEquals(2, off.status(), off.output());
        assertEquals(1, off.output().lines().count(), off.output());
        assertFalse(off.output().contains("\u001b"), off.output());
    }

    @Test
    void shouldRefuseAStoreDirWithControlCharactersRatherThanPrintIt() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "jetstream {\n  store_dir: \"/tmp/x\u001b[31mb\\nc\"\n}\n");
        Result result = storeDir(Map.of(), "--config", conf.toString());
        assertEquals(2, result.status(), result.output());
        assertEquals(1, result.output().lines().count(), result.output());
        assertFalse(result.output().contains("\u001b"), result.output());
        assertTrue(result.output().startsWith(conf + ":2:"), result.output());
        assertTrue(result.output().contains("holds control characters"), result.output());
    }

    @Test
    void shouldExit2WithUsageForMissingOrExtraArguments() throws Exception {
        for (String[] args :
                List.of(new String[0], new String[] {"--config"}, new String[] {"--config", "a", "b"}, new String[] {
                    "server.conf"
                })) {
            Result result = storeDir(Map.of(), args);
            assertEquals(2, result.status(), result.output());
            assertTrue(result.output().contains("usage: pot-nats store-dir --config FILE"), result.output());
        }
    }
}
