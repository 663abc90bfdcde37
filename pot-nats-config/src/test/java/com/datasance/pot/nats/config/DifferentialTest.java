package com.datasance.pot.nats.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.datasance.pot.nats.testkit.NatsServerBinary;
import com.datasance.pot.nats.testkit.NatsServerFixture;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our reader against the real nats-server (2.9.10 here) on the corpus in {@code
 * differential-corpus.txt}: accepted cases must be accepted by both and give the JetStream
 * directory that {@code /varz} reports; rejected cases must be rejected by both ({@code -t}).
 */
class DifferentialTest {

    private record Case(String name, boolean ok, Map<String, String> files, Map<String, String> env) {}

    @TempDir
    static Path root;

    private static List<Case> corpus() throws IOException {
        List<Case> cases = new ArrayList<>();
        String name = null;
        boolean ok = false;
        Map<String, StringBuilder> files = new LinkedHashMap<>();
        StringBuilder current = null;
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/differential-corpus.txt"));
        lines.add("=== end ok");
        for (String line : lines) {
            if (line.startsWith("=== ")) {
                if (name != null) {
                    cases.add(toCase(name, ok, files));
                }
                String header = line.substring(4);
                int space = header.indexOf(' ');
                name = header.substring(0, space);
                ok = header.substring(space + 1).equals("ok");
                files = new LinkedHashMap<>();
                current = null;
            } else if (line.startsWith("--- ")) {
                current = new StringBuilder();
                files.put(line.substring(4), current);
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        return cases;
    }

    private static Case toCase(String name, boolean ok, Map<String, StringBuilder> files) {
        Map<String, String> texts = new LinkedHashMap<>();
        Map<String, String> env = new HashMap<>();
        files.forEach((file, text) -> {
            if (file.equals("@env")) {
                text.toString()
                        .lines()
                        .forEach(l -> env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
            } else {
                texts.put(file, name.startsWith("crlf") ? text.toString().replace("\n", "\r\n") : text.toString());
            }
        });
        return new Case(name, ok, texts, env);
    }

    @TestFactory
    Stream<DynamicTest> shouldAgreeWithNatsServer() throws IOException {
        List<Case> cases = corpus();
        assertTrue(cases.size() >= 40, "corpus has " + cases.size() + " cases");
        assertTrue(cases.stream().filter(Case::ok).count() >= 40);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(Case c) throws Exception {
        Path dir = root.resolve(c.name()).toAbsolutePath();
        for (Map.Entry<String, String> file : c.files().entrySet()) {
            Path path = dir.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue().replace("@DIR@", dir.toString()), StandardCharsets.UTF_8);
        }
        Map<String, String> caseEnv = new HashMap<>();
        c.env().forEach((k, v) -> caseEnv.put(k, v.replace("@DIR@", dir.toString())));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(caseEnv);
        Path config = dir.resolve("server.conf");

        ServerConfig ours = null;
        ConfigException rejection = null;
        try {
            ours = NatsConfigReader.readServerConfig(config, env);
        } catch (ConfigException e) {
            rejection = e;
        }
        int check = natsServerCheck(config, caseEnv);
        if (!c.ok()) {
            assertNotEquals(null, rejection, c.name() + ": we accepted what the corpus says nats-server rejects");
            assertTrue(rejection.getMessage().startsWith(dir.toString()), rejection.getMessage());
            assertNotEquals(0, check, c.name() + ": nats-server -t accepted it; we said " + rejection.getMessage());
            return;
        }
        if (rejection != null) {
            fail(c.name() + ": we rejected: " + rejection.getMessage());
        }
        assertEquals(0, check, c.name() + ": nats-server -t rejected it");
        try (NatsServerFixture server = NatsServerFixture.start(config, List.of(), caseEnv)) {
            JsonNode storeDir =
                    server.monitoring().varz().path("jetstream").path("config").path("store_dir");
            if (ours.jetStreamEnabled()) {
                assertFalse(storeDir.isMissingNode(), c.name() + ": nats-server runs without JetStream");
                Path reported = Path.of(storeDir.asText());
                assertEquals(
                        dir.resolve(reported).normalize(), ours.jetStreamDir().orElseThrow(), c.name());
            } else {
                assertTrue(
                        storeDir.isMissingNode() || storeDir.asText().isEmpty(),
                        c.name() + ": nats-server runs JetStream in " + storeDir);
            }
        }
    }

    /** Exit status of {@code nats-server -t -c CONFIG}, run in the config's directory. */
    private static int natsServerCheck(Path config, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        NatsServerBinary.require().toString(), "-t", "-c", config.toString())
                .directory(config.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(config.resolveSibling("check.log").toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("nats-server -t did not finish for " + config);
        }
        return process.exitValue();
    }
}
