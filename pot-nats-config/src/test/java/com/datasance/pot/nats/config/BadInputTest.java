package com.datasance.pot.nats.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.datasance.pot.nats.api.Origin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any input gives a parsed config or a {@link ConfigException} with a position: never another
 * exception, a stack overflow or a hang. The {@code @Timeout}s only guard against a hang (each test
 * runs in well under a second); they are not speed targets.
 */
class BadInputTest {

    /** Change to reproduce a failure reported by {@link #shouldSurviveGeneratedAndMutatedInputs}. */
    private static final long SEED = Long.getLong("pot.nats.config.fuzz.seed", 20261123L);

    private static final int ROUNDS = Integer.getInteger("pot.nats.config.fuzz.rounds", 4000);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldSurviveGeneratedAndMutatedInputs() {
        Random random = new Random(SEED);
        ConfigGenerator generator = new ConfigGenerator(random);
        int parsed = 0;
        int rejected = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String input = switch (round % 4) {
                case 0 -> generator.config();
                case 1, 2 -> generator.mutate(generator.config());
                default -> new String(generator.randomBytes(), StandardCharsets.UTF_8);
            };
            try {
                NatsConfigReader.parse(input, dir, Map.of("A", "1", "B", "{x: $A}", "LOOP", "$LOOP"));
                parsed++;
            } catch (ConfigException e) {
                assertPositionInside(input, e.origin(), "seed " + SEED + " round " + round);
                rejected++;
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                fail("seed " + SEED + " round " + round + " threw " + e + " for input:\n" + input, e);
            }
        }
        // Both outcomes must be well represented, or the generator tests nothing.
        assertTrue(parsed > ROUNDS / 10, "parsed " + parsed + " of " + ROUNDS);
        assertTrue(rejected > ROUNDS / 10, "rejected " + rejected + " of " + ROUNDS);
    }

    private static void assertPositionInside(String input, Origin origin, String context) {
        if (!origin.source().equals(Origin.IN_MEMORY)) {
            return; // errors inside environment values or includes point there
        }
        long lines = input.chars().filter(c -> c == '\n').count() + 1;
        assertTrue(origin.line() <= lines, context + ": line " + origin.line() + " beyond " + lines);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldParseOrRejectEveryTruncationOfAConfig() throws Exception {
        String full = Files.readString(Path.of("src/test/resources/equivalents/tree/store-dir/01-plain.conf"))
                + "\nm { a: [1, \"two\", {b: (\nblock\n)\n}], c: $A }\ninclude 'missing.conf'\n";
        for (int length = 0; length <= full.length(); length++) {
            Path file = dir.resolve("truncated.conf");
            Files.writeString(file, full.substring(0, length));
            try {
                NatsConfigReader.readServerConfig(file, Map.of("A", "1"));
            } catch (ConfigException e) {
                assertTrue(e.getMessage().startsWith(file.toString() + ":"), e.getMessage());
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRejectTenThousandNestedMapsWithAPosition() {
        String text = "a { ".repeat(10_000) + "}".repeat(10_000);
        ConfigException e = assertThrows(ConfigException.class, () -> NatsConfigReader.parse(text, dir, Map.of()));
        assertEquals(1, e.origin().line());
        assertEquals(4 * Parser.MAX_NESTING + 3, e.origin().column());
        assertTrue(e.detail().contains("nested deeper than 1000"), e.getMessage());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRejectTenThousandNestedArraysAndUnclosedNesting() {
        assertThrows(
                ConfigException.class,
                () -> NatsConfigReader.parse("a = " + "[".repeat(10_000) + "]".repeat(10_000), dir, Map.of()));
        assertThrows(ConfigException.class, () -> NatsConfigReader.parse("a = " + "[".repeat(10_000), dir, Map.of()));
        assertThrows(ConfigException.class, () -> NatsConfigReader.parse("a { ".repeat(10_000), dir, Map.of()));
    }

    @Test
    void shouldParseNestingUpToTheLimit() throws ConfigException {
        int depth = Parser.MAX_NESTING - 1;
        String text = "a { ".repeat(depth) + "b: 1 " + "}".repeat(depth);
        ConfigValue value = NatsConfigReader.parse(text, dir, Map.of()).root();
        for (int i = 0; i < depth; i++) {
            value = ((ConfigValue.ConfigMap) value).get("a").orElseThrow();
        }
        assertEquals(Map.of("b", 1L), value.plain());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldParseAFileJustUnderTheCap() throws Exception {
        long size = Parser.MAX_FILE_BYTES - 1024;
        StringBuilder text = new StringBuilder((int) size + 1024);
        int blocks = 0;
        while (text.length() < size - 200) {
            text.append("block")
                    .append(blocks++)
                    .append(" {\n  name: \"value ")
                    .append(blocks)
                    .append("\"\n  size: 10MB, list: [a, b, c]\n  # comment\n}\n");
        }
        Path file = dir.resolve("big.conf");
        Files.writeString(file, text);
        ConfigDocument doc = NatsConfigReader.read(file, Map.of());
        assertEquals(blocks, doc.root().entries().size());
    }

    @Test
    void shouldRefuseConfigTextOverTheCapAcrossIncludes() throws Exception {
        // Each file is under the cap, together they are over it: memory is bounded per read.
        String half = "# " + "x".repeat((int) (Parser.MAX_FILE_BYTES / 2)) + "\n";
        Files.writeString(dir.resolve("a.conf"), half);
        Files.writeString(dir.resolve("b.conf"), half);
        Files.writeString(dir.resolve("main.conf"), "include a.conf\ninclude b.conf\n");
        ConfigException e =
                assertThrows(ConfigException.class, () -> NatsConfigReader.read(dir.resolve("main.conf"), Map.of()));
        assertTrue(e.getMessage().contains("pot-nats does not read configs that large"), e.getMessage());
        assertTrue(e.getMessage().contains("b.conf"), e.getMessage());
    }

    @Test
    void shouldRejectAnIncludeCycleNamingTheChain() throws Exception {
        Files.writeString(dir.resolve("a.conf"), "x = 1\ninclude b.conf\n");
        Files.writeString(dir.resolve("b.conf"), "include 'a.conf'\n");
        ConfigException e =
                assertThrows(ConfigException.class, () -> NatsConfigReader.read(dir.resolve("a.conf"), Map.of()));
        assertTrue(e.detail().startsWith("include cycle: "), e.getMessage());
        assertTrue(
                e.getMessage()
                        .startsWith(dir.resolve("b.conf") + ":1:10 (included from " + dir.resolve("a.conf") + ":2:9)"),
                e.getMessage());
    }

    @Test
    void shouldTypeAnIncludeCycleWithItsChain() throws Exception {
        Files.writeString(dir.resolve("main.conf"), "include a.conf\n");
        Files.writeString(dir.resolve("a.conf"), "include b.conf\n");
        Files.writeString(dir.resolve("b.conf"), "include a.conf\n");
        ConfigException e =
                assertThrows(ConfigException.class, () -> NatsConfigReader.read(dir.resolve("main.conf"), Map.of()));
        Path real = dir.toRealPath();
        assertEquals(
                Optional.of(new ConfigException.Problem.IncludeCycle(List.of(
                        real.resolve("main.conf"),
                        real.resolve("a.conf"),
                        real.resolve("b.conf"),
                        real.resolve("a.conf")))),
                e.problem());
    }

    @Test
    void shouldTypeAMissingIncludeWithItsPath() throws Exception {
        Files.writeString(dir.resolve("main.conf"), "port: 4222\ninclude \"sub/late.conf\"\n");
        ConfigException e =
                assertThrows(ConfigException.class, () -> NatsConfigReader.read(dir.resolve("main.conf"), Map.of()));
        assertEquals(
                Optional.of(new ConfigException.Problem.UnreadableFile(
                        dir.resolve("sub/late.conf").toAbsolutePath().normalize())),
                e.problem());
        Files.writeString(dir.resolve("main.conf"), "port: 4222\nx: [1, 2\n");
        ConfigException syntax =
                assertThrows(ConfigException.class, () -> NatsConfigReader.read(dir.resolve("main.conf"), Map.of()));
        assertEquals(Optional.empty(), syntax.problem());
    }

    @Test
    void shouldRejectASelfIncludeAndASymlinkLoop() throws Exception {
        Files.writeString(dir.resolve("self.conf"), "include ./self.conf\n");
        assertThrows(ConfigException.class, () -> NatsConfigReader.read(dir.resolve("self.conf"), Map.of()));
        Files.createSymbolicLink(dir.resolve("loop"), dir);
        Files.writeString(dir.resolve("deep.conf"), "include loop/deep.conf\n");
        ConfigException e =
                assertThrows(ConfigException.class, () -> NatsConfigReader.read(dir.resolve("deep.conf"), Map.of()));
        assertTrue(e.detail().startsWith("include cycle"), e.getMessage());
    }

    @Test
    void shouldRejectIncludesNestedTooDeep() throws Exception {
        for (int i = 0; i < 70; i++) {
            Files.writeString(dir.resolve("f" + i + ".conf"), "k" + i + " = 1\ninclude f" + (i + 1) + ".conf\n");
        }
        Files.writeString(dir.resolve("f70.conf"), "end = 1\n");
        ConfigException e =
                assertThrows(ConfigException.class, () -> NatsConfigReader.read(dir.resolve("f0.conf"), Map.of()));
        assertTrue(e.detail().contains("deeper than 64"), e.getMessage());
    }

    @Test
    void shouldRejectIncludingADirectory() throws Exception {
        Files.createDirectories(dir.resolve("d"));
        Files.writeString(dir.resolve("main.conf"), "include d\n");
        assertThrows(ConfigException.class, () -> NatsConfigReader.read(dir.resolve("main.conf"), Map.of()));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRejectAVariableExpansionBomb() {
        StringBuilder text = new StringBuilder("v0 = [a, b, c, d, e, f, g, h]\n");
        for (int i = 1; i < 40; i++) {
            text.append('v').append(i).append(" = [");
            for (int j = 0; j < 8; j++) {
                text.append("$v").append(i - 1).append(j < 7 ? ", " : "]\n");
            }
        }
        ConfigException e =
                assertThrows(ConfigException.class, () -> NatsConfigReader.parse(text.toString(), dir, Map.of()));
        assertTrue(e.detail().contains("expands to more than"), e.getMessage());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldBoundEnvironmentFanOut() {
        // Each variable names the next one twice: 2^40 lookups without a bound.
        java.util.HashMap<String, String> env = new java.util.HashMap<>();
        for (int i = 0; i < 40; i++) {
            env.put("E" + i, "[$E" + (i + 1) + ", $E" + (i + 1) + "]");
        }
        env.put("E40", "x");
        ConfigException e = assertThrows(ConfigException.class, () -> NatsConfigReader.parse("a = $E0", dir, env));
        assertTrue(e.getMessage().contains("environment variable lookups"), e.getMessage());
    }

    @Test
    void shouldTreatANulCharacterAsTheEndOfInputAsNatsServerDoes() throws ConfigException {
        assertEquals(
                Map.of("a", 1L),
                NatsConfigReader.parse("a = 1\nb\0 = 2", dir, Map.of()).root().plain());
        assertThrows(ConfigException.class, () -> NatsConfigReader.parse("a = 1\n\0", dir, Map.of()));
    }
}
