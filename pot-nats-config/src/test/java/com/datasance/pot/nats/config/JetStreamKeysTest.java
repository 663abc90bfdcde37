package com.datasance.pot.nats.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the jetstream rules say about wrong values and about keys spelled several ways, which
 * nats-server applies in a random order: the messages name what was found, and the orders are all
 * tried (up to a bound).
 */
class JetStreamKeysTest {

    @TempDir
    Path dir;

    private ServerConfig config(String text) throws Exception {
        Path file = dir.resolve("server.conf");
        Files.writeString(file, text);
        return NatsConfigReader.readServerConfig(file, Map.of());
    }

    private ConfigException rejected(String text) {
        return assertThrows(ConfigException.class, () -> config(text), text);
    }

    /** {@code n} spellings of one key that nats-server treats as the same (case differs only). */
    private static List<String> spellings(String key, int n) {
        List<String> all = new java.util.ArrayList<>();
        for (int mask = 0; all.size() < n; mask++) {
            StringBuilder spelled = new StringBuilder();
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                spelled.append((mask >> i & 1) == 1 ? Character.toUpperCase(c) : c);
            }
            all.add(spelled.toString());
        }
        return all;
    }

    @Test
    void shouldNameTheKindOfAJetstreamValueThatIsNeitherBlockNorFlag() {
        Map<String, String> kinds = Map.of(
                "jetstream: 1", "integer",
                "jetstream: 1.5", "float",
                "jetstream: 2026-01-01T00:00:00Z", "datetime",
                "jetstream: [a]", "array");
        kinds.forEach((text, kind) -> assertEquals(
                "expected a block, a boolean or 'enabled'/'disabled' for 'jetstream', found a " + kind,
                rejected(text).detail(),
                text));
    }

    @Test
    void shouldNameTheKindOfANonBooleanEnabled() {
        assertEquals(
                "'jetstream.enabled' must be a boolean, found a string",
                rejected("jetstream { enabled: \"yes\" }").detail());
        assertEquals(
                "'jetstream.enabled' must be a boolean, found a map",
                rejected("jetstream { enabled: { a: 1 } }").detail());
    }

    @Test
    void shouldRejectAStoreDirSetTwiceAtTheSecondOne() {
        String duplicate =
                "duplicate 'store_dir': set it once, either at the top level or inside the 'jetstream' block";
        ConfigException both = rejected("store_dir: a\njetstream { store_dir: b }");
        assertEquals(duplicate, both.detail());
        assertEquals(2, both.origin().line());
        ConfigException inside = rejected("jetstream {\n  store: a\n  store_dir: b\n}");
        assertEquals(duplicate, inside.detail());
        assertEquals(3, inside.origin().line());
    }

    @Test
    void shouldTryEveryOrderOfThreeSpellings() throws Exception {
        // Whichever flag comes last wins in nats-server: 'disabled' last is one of the six orders.
        ConfigException e = rejected("jetstream: enabled\nJetStream: disabled\nJETSTREAM: enabled");
        assertEquals(3, e.origin().line());
        assertTrue(e.detail().startsWith("'jetstream'/'store_dir' keys that differ only in case"), e.detail());
        // Agreeing in all six orders: accepted, the block's store_dir kept.
        ServerConfig agreed = config("jetstream: enabled\nJetStream: enabled\nJETSTREAM { store_dir: x }");
        assertTrue(agreed.jetStreamEnabled());
        assertEquals(java.util.Optional.of(dir.resolve("x/jetstream")), agreed.jetStreamDir());
    }

    @Test
    void shouldTryEveryOrderOfTheKeysInsideABlock() {
        // Inside one block, enabled: false and enabled: true in some order: the last one wins.
        ConfigException e = rejected("jetstream {\n  enabled: true\n  Enabled: false\n  ENABLED: true\n}");
        assertTrue(e.detail().startsWith("'jetstream'/'store_dir' keys that differ only in case"), e.detail());
    }

    @Test
    void shouldAcceptUpTo5040OrdersAndRefuseMore() throws Exception {
        // 7 spellings: 7! = 5040 orders, all tried; 8: 40320, refused at the last key.
        String seven = String.join(
                "\n",
                spellings("jetstream", 7).stream().map(k -> k + ": enabled").toList());
        assertTrue(config(seven).jetStreamEnabled());
        String eight = String.join(
                "\n",
                spellings("jetstream", 8).stream().map(k -> k + ": enabled").toList());
        ConfigException e = rejected(eight);
        assertEquals(8, e.origin().line());
        assertTrue(e.detail().startsWith("too many 'jetstream' and 'store_dir' keys"), e.detail());
    }

    @Test
    void shouldCountTheOrdersInsideBlocksToo() throws Exception {
        // 2 top keys (2 orders) x a block of 5 keys (120 orders) = 240: tried. 2 x a block of 7 = 10080: refused.
        String five = String.join(
                ", ", spellings("enabled", 5).stream().map(k -> k + ": true").toList());
        assertTrue(config("jetstream: enabled\nJetStream { " + five + " }").jetStreamEnabled());
        String seven = String.join(
                ", ", spellings("enabled", 7).stream().map(k -> k + ": true").toList());
        ConfigException e = rejected("jetstream: enabled\nJetStream { " + seven + " }");
        assertTrue(e.detail().startsWith("too many 'jetstream' and 'store_dir' keys"), e.detail());
        // A block of 7 alone is 5040 orders: still tried.
        assertFalse(
                config("jetstream { " + seven.replace("true", "false") + " }").jetStreamEnabled());
    }
}
