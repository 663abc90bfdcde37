package com.datasance.pot.nats.config;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.datasance.pot.nats.testkit.NatsServerBinary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded configs made of keys nats-server knows, plus mutations of them, checked with {@code
 * nats-server -t}. nats-server also rejects for reasons beyond syntax, so two directions are
 * asserted: what nats-server accepts we parse (so what we cannot parse it rejects), and what its
 * parser rejects (the messages of conf/parse.go, told apart from option errors by their text) we
 * reject too.
 */
class DifferentialFuzzTest {

    private static final long SEED = Long.getLong("pot.nats.config.fuzz.seed", 20261123L);
    private static final int ROUNDS = Integer.getInteger("pot.nats.config.fuzz.rounds", 500);
    private static final List<String> SEPARATORS = List.of(": ", " = ", " ", "=", ":");
    private static final List<String> TERMINATORS = List.of("\n", "; ", ", ", " # c\n", " // c\n");

    @TempDir
    Path dir;

    @Test
    void shouldAcceptWhatNatsServerAcceptsAndRejectOnlyWhatItRejects() throws Exception {
        Random random = new Random(SEED);
        ConfigGenerator mutator = new ConfigGenerator(random);
        Path config = dir.resolve("server.conf");
        int accepted = 0;
        int parseErrors = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String text = config(random);
            if (random.nextBoolean()) {
                text = mutator.mutate(text);
            }
            Files.writeString(config, text, StandardCharsets.UTF_8);
            String natsOutput = natsServerCheck(config);
            boolean natsAccepts = natsOutput.isEmpty();
            boolean natsParseError = PARSE_ERRORS.stream().anyMatch(natsOutput::contains);
            ConfigException ours = null;
            try {
                NatsConfigReader.read(config, System.getenv());
            } catch (ConfigException e) {
                ours = e;
            }
            String context = "seed " + SEED + " round " + round + ", input:\n" + text;
            if (natsAccepts && ours != null) {
                fail("nats-server accepts but we reject (" + ours.getMessage() + "); " + context);
            }
            if (natsParseError && ours == null) {
                fail("nats-server's parser rejects (" + natsOutput.strip() + ") but we accept; " + context);
            }
            if (natsAccepts) {
                accepted++;
            }
            if (natsParseError) {
                parseErrors++;
            }
        }
        assertTrue(accepted > ROUNDS / 5, "nats-server accepted only " + accepted + " of " + ROUNDS);
        assertTrue(parseErrors > ROUNDS / 10, "nats-server's parser rejected only " + parseErrors + " of " + ROUNDS);
    }

    private static String config(Random random) {
        StringBuilder out = new StringBuilder();
        int entries = 1 + random.nextInt(5);
        for (int i = 0; i < entries; i++) {
            String sep = SEPARATORS.get(random.nextInt(SEPARATORS.size()));
            switch (random.nextInt(6)) {
                case 0 ->
                    out.append("server_name")
                            .append(sep)
                            .append(pick(random, "srv", "\"quoted name\"", "'single'", "n\\x41me"));
                case 1 ->
                    out.append("debug").append(sep).append(pick(random, "true", "False", "yes", "OFF", "on", "no"));
                case 2 ->
                    out.append("max_payload").append(sep).append(pick(random, "1MB", "512KB", "65536", "1Mi", "64k"));
                case 3 -> out.append("max_connections").append(sep).append(random.nextInt(100_000));
                case 4 ->
                    out.append("jetstream")
                            .append(sep)
                            .append(pick(random, "true", "enabled", "disabled", "\"Enable\"", "off"));
                default ->
                    out.append("jetstream")
                            .append(sep.equals("=") || sep.equals(":") ? sep : " ")
                            .append("{ store_dir")
                            .append(sep)
                            .append(pick(random, "data", "\"data\"", "'d a'", "(\nblock\n)\n"))
                            .append(pick(random, ", ", "; ", "\n", " "))
                            .append("max_mem")
                            .append(sep)
                            .append(pick(random, "64MB", "1G", "\"64M\""))
                            .append(pick(random, " }", "\n}", "; }", ",}"));
            }
            out.append(TERMINATORS.get(random.nextInt(TERMINATORS.size())));
        }
        return out.toString();
    }

    private static String pick(Random random, String... choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** Messages of nats-server 2.9.10 conf/parse.go; option errors read 'FILE:LINE:COL: ...' instead. */
    private static final List<String> PARSE_ERRORS = List.of(
            "Parse error on line",
            "out of the range",
            "expected integer, but got",
            "expected float, but got",
            "expected boolean value",
            "expected Zulu formatted DateTime",
            "variable reference for",
            "error parsing include file");

    /** Empty when {@code nats-server -t} accepts the config, else what it printed. */
    private static String natsServerCheck(Path config) throws Exception {
        Path log = config.resolveSibling("check.log");
        Process process = new ProcessBuilder(NatsServerBinary.require().toString(), "-t", "-c", config.toString())
                .directory(config.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("nats-server -t did not finish for:\n" + Files.readString(config));
        }
        return process.exitValue() == 0 ? "" : Files.readString(log, StandardCharsets.UTF_8);
    }
}
