package com.datasance.pot.nats.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fixture directories of many spellings of one config. Under {@code equivalents/tree} every
 * {@code *.conf} of a directory parses to the same tree; under {@code equivalents/server} every one
 * gives the same JetStream directory (the trees differ, e.g. by a variable definition).
 * {@code *.inc} files are only included.
 */
class EquivalentSpellingsTest {

    private static final Path ROOT = Path.of("src/test/resources/equivalents");
    private static final Map<String, String> ENV = Map.of("STORE", "/data/nats", "MEM", "1G", "ON", "true");

    static Stream<Path> treeGroups() throws IOException {
        return groups("tree");
    }

    static Stream<Path> serverGroups() throws IOException {
        return groups("server");
    }

    private static Stream<Path> groups(String kind) throws IOException {
        try (Stream<Path> dirs = Files.list(ROOT.resolve(kind))) {
            return dirs.sorted().toList().stream();
        }
    }

    private static List<Path> configs(Path group) throws IOException {
        try (Stream<Path> files = Files.list(group)) {
            List<Path> configs =
                    files.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
            assertTrue(configs.size() >= 3, group + " needs at least three spellings");
            return configs;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("treeGroups")
    void shouldParseEverySpellingToTheSameTree(Path group) throws Exception {
        List<Path> configs = configs(group);
        Object expected = NatsConfigReader.read(configs.get(0), ENV).root().plain();
        for (Path config : configs) {
            assertEquals(expected, NatsConfigReader.read(config, ENV).root().plain(), config.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverGroups")
    void shouldGiveEverySpellingTheSameJetStreamDirectory(Path group) throws Exception {
        for (Path config : configs(group)) {
            assertEquals(
                    Path.of("/data/nats/jetstream"),
                    NatsConfigReader.readServerConfig(config, ENV)
                            .jetStreamDir()
                            .orElseThrow(),
                    config.toString());
        }
    }
}
