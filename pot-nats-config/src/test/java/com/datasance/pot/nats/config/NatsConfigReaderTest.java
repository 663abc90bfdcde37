package com.datasance.pot.nats.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.api.Origin;
import com.datasance.pot.nats.config.ConfigValue.ConfigMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NatsConfigReaderTest {

    @TempDir
    Path dir;

    static Object plain(String text) throws ConfigException {
        return plain(text, Map.of());
    }

    static Object plain(String text, Map<String, String> env) throws ConfigException {
        return NatsConfigReader.parse(text, Path.of("/nonexistent"), env).root().plain();
    }

    static Stream<Arguments> values() {
        return Stream.of(
                Arguments.of("a = 1", 1L),
                Arguments.of("a: 1", 1L),
                Arguments.of("a 1", 1L),
                Arguments.of("a=-12", -12L),
                Arguments.of("a = 1k", 1000L),
                Arguments.of("a = 1K", 1000L),
                Arguments.of("a = 1kb", 1024L),
                Arguments.of("a = 1KiB", 1024L),
                Arguments.of("a = 2m", 2_000_000L),
                Arguments.of("a = 2MB", 2L * 1024 * 1024),
                Arguments.of("a = 1g", 1_000_000_000L),
                Arguments.of("a = 1Gi", 1024L * 1024 * 1024),
                Arguments.of("a = 1t", 1_000_000_000_000L),
                Arguments.of("a = 1p", 1_000_000_000_000_000L),
                Arguments.of("a = 1e", 1_000_000_000_000_000_000L),
                Arguments.of("a = 1eb", 1L << 60),
                Arguments.of("a = -1k", -1000L),
                Arguments.of("a = 1.5", 1.5),
                Arguments.of("a = -0.25", -0.25),
                Arguments.of("a = true", true),
                Arguments.of("a = TRUE", true),
                Arguments.of("a = yes", true),
                Arguments.of("a = On", true),
                Arguments.of("a = false", false),
                Arguments.of("a = no", false),
                Arguments.of("a = OFF", false),
                Arguments.of("a = \"true\"", "true"),
                Arguments.of("a = hello", "hello"),
                Arguments.of("a = 'raw \\t'", "raw \\t"),
                Arguments.of("a = \"tab\\there\"", "tab\there"),
                Arguments.of("a = \"q\\\"q\"", "q\"q"),
                Arguments.of("a = \"nl\\nx\\ry\\\\z\"", "nl\nx\ry\\z"),
                Arguments.of("a = \"\\x41\\x42\"", "AB"),
                Arguments.of("a = \"\\xc3\\xa9\"", "é"),
                Arguments.of("a = un\\tquoted", "un\tquoted"),
                Arguments.of("a = 127.0.0.1", "127.0.0.1"),
                Arguments.of("a = 127.0.0.1:4222", "127.0.0.1:4222"),
                Arguments.of("a = 3xyz", "3xyz"),
                Arguments.of("a = 3Gyz", "3Gyz"),
                Arguments.of("a = nats://host:4222", "nats://host:4222"),
                Arguments.of("a = $2a$11$ooo", "$2a$11$ooo"),
                Arguments.of("a = 2026-11-23T15:15:26Z", LocalDateTime.of(2026, 11, 23, 15, 15, 26)),
                Arguments.of("a = (\nline one\nline two\n)\n", "\nline one\nline two\n"),
                Arguments.of("a = (\nx)y\n)", "\nx)y\n)"),
                Arguments.of("a = \"\"", ""),
                Arguments.of("a = foo'", "foo"),
                Arguments.of("a = 1 /", 1L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void shouldParseEachScalarForm(String text, Object expected) throws ConfigException {
        assertEquals(Map.of("a", expected), plain(text));
    }

    @Test
    void shouldParseMapsArraysAndMixedNesting() throws ConfigException {
        String text = """
                m { a: 1, b = "two"; c [1, two, {d: 3}] }
                arr [
                  1
                  # comment in an array
                  x, // another
                  [nested, [deeper]]
                ]
                empty {}
                none []
                """;
        assertEquals(
                Map.of(
                        "m",
                        Map.of("a", 1L, "b", "two", "c", List.of(1L, "two", Map.of("d", 3L))),
                        "arr",
                        List.of(1L, "x", List.of("nested", List.of("deeper"))),
                        "empty",
                        Map.of(),
                        "none",
                        List.of()),
                plain(text));
    }

    @Test
    void shouldReadANumberBeforeACloseBracketAsAStringAsNatsServerDoes() {
        // lex.go: ']' does not end a number, so '[1]' reads '1]' and the array stays open.
        assertThrows(ConfigException.class, () -> plain("a = [1]\nb = [1, 2]\n"));
    }

    @Test
    void shouldTreatKeysCaseSensitivelyInTheTreeAndLastDefinitionWins() throws ConfigException {
        assertEquals(Map.of("a", 2L, "A", 3L), plain("a = 1\nA = 3\na = 2"));
    }

    @Test
    void shouldSkipTopLevelBracesAsNatsServer2910Does() throws ConfigException {
        assertEquals(Map.of("a", 1L, "b", 2L), plain("{ a = 1\n b = 2 }"));
    }

    @Test
    void shouldReadAKeyJoinedToABraceAsOneKey() throws ConfigException {
        // 'jetstream{' is a single key in lex.go: a map needs a separator or space before '{'.
        assertEquals(Map.of("a{b", 1L), plain("a{b=1}"));
    }

    @Test
    void shouldAcceptAKeyWithoutValueAtEndOfInputAsNatsServer2910Does() throws ConfigException {
        assertEquals(Map.of("a", 1L), plain("a = 1\ndangling"));
    }

    @Test
    void shouldIgnoreCommentsOfBothKinds() throws ConfigException {
        String text = "# jetstream: enabled\n// store_dir: x\na = 1 # trailing\nb = 2 // trailing\n";
        assertEquals(Map.of("a", 1L, "b", 2L), plain(text));
    }

    @Test
    void shouldResolveVariablesFromEnclosingMapsFirstThenTheEnvironment() throws ConfigException {
        String text = """
                index = 22
                nest {
                  index = 11
                  foo = $index
                }
                bar = $index
                env = $FROM_ENV
                envmap = $ENV_MAP
                """;
        Object parsed = plain(text, Map.of("FROM_ENV", "1k", "ENV_MAP", "{x: [a, b]}", "index", "99"));
        assertEquals(
                Map.of(
                        "index", 22L,
                        "nest", Map.of("index", 11L, "foo", 11L),
                        "bar", 22L,
                        "env", 1000L,
                        "envmap", Map.of("x", List.of("a", "b"))),
                parsed);
    }

    @Test
    void shouldGiveASubstitutedValueTheOriginOfItsReference() throws ConfigException {
        ConfigMap root =
                NatsConfigReader.parse("a = 1\nb = $a", Path.of("/"), Map.of()).root();
        assertEquals(Origin.inMemory(2, 5), root.get("b").orElseThrow().origin());
    }

    @Test
    void shouldRejectAnUndefinedVariableAtItsPosition() {
        ConfigException e = assertThrows(ConfigException.class, () -> plain("a = 1\nfoo = $index"));
        assertEquals(Origin.inMemory(2, 7), e.origin());
        assertTrue(e.getMessage().startsWith("<string>:2:7: variable '$index'"), e.getMessage());
    }

    @Test
    void shouldRejectAnEnvironmentVariableCycle() {
        ConfigException e = assertThrows(ConfigException.class, () -> plain("a = $A", Map.of("A", "$B", "B", "$A")));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void shouldRejectAnEnvironmentValueThatIsNotOneValue() {
        ConfigException e = assertThrows(ConfigException.class, () -> plain("a = $A", Map.of("A", "two words")));
        assertTrue(e.getMessage().startsWith("<string>:1:5: environment variable 'A'"), e.getMessage());
    }

    @Test
    void shouldReportLexerErrorsWithLineAndColumn() {
        ConfigException e = assertThrows(ConfigException.class, () -> plain("a = 1\nb = \"bad \\q escape\""));
        assertEquals(2, e.origin().line());
        assertEquals(11, e.origin().column());
        assertTrue(e.getMessage().startsWith("<string>:2:11: invalid escape character 'q'"), e.getMessage());
    }

    @Test
    void shouldRejectUnclosedMap() {
        ConfigException e = assertThrows(ConfigException.class, () -> plain("jetstream {\n  store_dir: x\n"));
        assertTrue(e.detail().contains("expected '}'"), e.getMessage());
    }

    @Test
    void shouldRejectIntegerOutOfRange() {
        ConfigException e = assertThrows(ConfigException.class, () -> plain("a = 99999999999999999999"));
        assertTrue(e.detail().contains("out of range"), e.getMessage());
    }

    @Test
    void shouldRejectImpossibleDatetime() {
        assertThrows(ConfigException.class, () -> plain("a = 2026-02-30T00:00:00Z"));
    }

    @Test
    void shouldIncludeRelativeToTheIncludingFileWithEveryQuoting() throws Exception {
        Files.createDirectories(dir.resolve("sub/deeper"));
        Files.writeString(dir.resolve("main.conf"), "a = 1\ninclude sub/one.conf\nm { include 'sub/two.conf' }\n");
        Files.writeString(dir.resolve("sub/one.conf"), "b = 2\nINCLUDE \"deeper/three.conf\"\n");
        Files.writeString(dir.resolve("sub/two.conf"), "c = 3\n");
        Files.writeString(dir.resolve("sub/deeper/three.conf"), "d = 4\n");
        ConfigDocument doc = NatsConfigReader.read(dir.resolve("main.conf"), Map.of());
        assertEquals(
                Map.of("a", 1L, "b", 2L, "d", 4L, "m", Map.of("c", 3L)),
                doc.root().plain());
        assertEquals(
                List.of(dir.resolve("sub/one.conf"), dir.resolve("sub/deeper/three.conf"), dir.resolve("sub/two.conf")),
                doc.includes().stream().map(FileReference::path).toList());
        assertEquals(
                new Origin(dir.resolve("main.conf").toString(), 2, 9, Optional.empty()),
                doc.includes().get(0).origin());
    }

    @Test
    void shouldJoinAnAbsoluteIncludeUnderTheIncludingDirectoryAsGoFilepathJoinDoes() throws Exception {
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("main.conf"), "include /etc/x.conf\n");
        Files.writeString(dir.resolve("etc/x.conf"), "x = 1\n");
        assertEquals(
                Map.of("x", 1L),
                NatsConfigReader.read(dir.resolve("main.conf"), Map.of()).root().plain());
    }

    @Test
    void shouldSeeIncludedKeysAfterTheIncludeButNotTheIncludersKeysInsideIt() throws Exception {
        // parse.go parses an included file with a fresh parser, then merges its keys.
        Files.writeString(dir.resolve("main.conf"), "a = 1\ninclude inc.conf\ny = $x\n");
        Files.writeString(dir.resolve("inc.conf"), "x = 2\n");
        assertEquals(
                Map.of("a", 1L, "x", 2L, "y", 2L),
                NatsConfigReader.read(dir.resolve("main.conf"), Map.of()).root().plain());
        Files.writeString(dir.resolve("inc.conf"), "x = $a\n");
        assertThrows(ConfigException.class, () -> NatsConfigReader.read(dir.resolve("main.conf"), Map.of()));
    }

    @Test
    void shouldNameTheIncludeChainInErrorsFromIncludedFiles() throws Exception {
        Files.writeString(dir.resolve("main.conf"), "a = 1\n\ninclude inc.conf\n");
        Files.writeString(dir.resolve("inc.conf"), "b = 2\nc = [,]\n");
        ConfigException e =
                assertThrows(ConfigException.class, () -> NatsConfigReader.read(dir.resolve("main.conf"), Map.of()));
        assertEquals(
                dir.resolve("inc.conf") + ":2:6 (included from " + dir.resolve("main.conf") + ":3:9): "
                        + "unexpected array value terminator ','",
                e.getMessage());
    }

    @Test
    void shouldRejectAMissingIncludeAtTheIncludeDirective() throws Exception {
        Files.writeString(dir.resolve("main.conf"), "a = 1\ninclude nope.conf\n");
        ConfigException e =
                assertThrows(ConfigException.class, () -> NatsConfigReader.read(dir.resolve("main.conf"), Map.of()));
        assertEquals(new Origin(dir.resolve("main.conf").toString(), 2, 9, Optional.empty()), e.origin());
        assertTrue(e.detail().contains("nope.conf"), e.getMessage());
    }

    @Test
    void shouldRejectAMissingConfigFileNamingIt() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> NatsConfigReader.read(dir.resolve("absent.conf"), Map.of()));
        assertTrue(e.getMessage().startsWith(dir.resolve("absent.conf") + ":1:1: cannot read"), e.getMessage());
    }

    @Test
    void shouldKeepOriginsOfKeysAndValues() throws ConfigException {
        ConfigMap root = NatsConfigReader.parse("\n  jetstream {\n    store_dir: \"x\"\n  }", Path.of("/"), Map.of())
                .root();
        ConfigValue.Entry js = root.entries().get("jetstream");
        assertEquals(Origin.inMemory(2, 3), js.keyOrigin());
        assertEquals(Origin.inMemory(2, 13), js.value().origin());
        ConfigValue.Entry storeDir =
                assertInstanceOf(ConfigMap.class, js.value()).entries().get("store_dir");
        assertEquals(Origin.inMemory(3, 5), storeDir.keyOrigin());
        assertEquals(Origin.inMemory(3, 17), storeDir.value().origin());
    }

    @Test
    void shouldRejectAFileThatIncludesItselfAtTheInclude() throws Exception {
        // The file read first is on the include chain too: without it the self-include would be read
        // again, once, before the cycle is seen one level down.
        Files.writeString(dir.resolve("self.conf"), "a = 1\ninclude self.conf\n");
        ConfigException e =
                assertThrows(ConfigException.class, () -> NatsConfigReader.read(dir.resolve("self.conf"), Map.of()));
        assertEquals(new Origin(dir.resolve("self.conf").toString(), 2, 9, Optional.empty()), e.origin());
        assertTrue(e.detail().startsWith("include cycle: "), e.getMessage());
    }
}
