package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.SafeText;
import com.datasance.pot.nats.config.ConfigValue;
import com.datasance.pot.nats.config.ConfigValue.ConfigMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The options nats-server cannot change by a reload: its reload code ({@code server/reload.go},
 * {@code diffOptions}) answers "config reload not supported for ..." for them and then refuses
 * the whole reload, the reloadable parts of the same change included. The list is what 2.9.10
 * refuses (DESIGN.md, found by testing) and 2.12.4 still refuses: knowing it before signalling lets
 * the wrapper say at once which option changed, instead of a SIGHUP that changes nothing.
 */
final class Unreloadable {

    private Unreloadable() {}

    /**
     * One refused option.
     *
     * @param option the option as written in messages, e.g. {@code cluster.port}
     * @param before its value in the config nats-server runs, printable (escaped, bounded)
     * @param after its value in the new config
     */
    record Change(String option, String before, String after) {
        Change {
            Objects.requireNonNull(option, "option");
            Objects.requireNonNull(before, "before");
            Objects.requireNonNull(after, "after");
        }

        @Override
        public String toString() {
            return option + " " + before + " -> " + after;
        }
    }

    /**
     * An option whose value is compared: where it lives (a block, or the top level), its
     * spellings (lower case), and whether nats-server refuses a change only while JetStream runs
     * before and after it (enabling or disabling JetStream with new storage settings reloads).
     */
    private record Option(
            String block, List<String> blockKeys, String name, List<String> keys, boolean whileJetStream) {
        Option(String block, List<String> blockKeys, String name, List<String> keys) {
            this(block, blockKeys, name, keys, false);
        }
    }

    /**
     * A block nats-server compares whole ({@code reflect.DeepEqual} in {@code diffOptions}), its
     * {@code tls} parts (at any depth) aside, limited to the top keys {@code compared} says. Its
     * values are never printed: a gateway's or leafnode's authorization holds passwords, the
     * JetStream block its encryption key.
     */
    private record Block(String name, List<String> keys, Predicate<String> compared) {}

    private static final List<String> TOP = List.of();
    private static final List<String> JETSTREAM = List.of("jetstream");

    /**
     * None of these holds a secret (ports, host names, sizes, names of accounts and users,
     * domains): their values may be printed. Passwords and tokens are reloadable and never compared
     * here; the JetStream encryption key is compared as a block's part, unprinted.
     */
    private static final List<Option> OPTIONS = List.of(
            new Option("", TOP, "server_name", List.of("server_name")),
            new Option("", TOP, "listen", List.of("listen")),
            new Option("", TOP, "host", List.of("host", "net")),
            new Option("", TOP, "port", List.of("port")),
            new Option("", TOP, "http", List.of("http", "monitor_listen")),
            new Option("", TOP, "http_port", List.of("http_port", "monitor_port")),
            new Option("", TOP, "https", List.of("https")),
            new Option("", TOP, "https_port", List.of("https_port")),
            new Option("", TOP, "http_base_path", List.of("http_base_path")),
            new Option("", TOP, "prof_port", List.of("prof_port")),
            new Option("", TOP, "system_account", List.of("system_account", "system")),
            new Option("", TOP, "no_system_account", List.of("no_system_account", "no_system", "no_sys_acc")),
            new Option("", TOP, "operator", List.of("operator", "operators", "root_operator", "root_operators")),
            new Option("", TOP, "trusted", List.of("trusted", "trusted_keys")),
            new Option("", TOP, "lame_duck_duration", List.of("lame_duck_duration")),
            new Option("", TOP, "lame_duck_grace_period", List.of("lame_duck_grace_period")),
            new Option("", TOP, "max_subscriptions", List.of("max_subscriptions", "max_subs")),
            new Option("", TOP, "max_sub_tokens", List.of("max_sub_tokens", "max_subscription_tokens")),
            new Option("", TOP, "max_pending", List.of("max_pending")),
            new Option("", TOP, "max_closed_clients", List.of("max_closed_clients")),
            new Option("", TOP, "no_auth_user", List.of("no_auth_user")),
            new Option("", TOP, "disable_sublist_cache", List.of("disable_sublist_cache", "no_sublist_cache")),
            new Option("", TOP, "no_header_support", List.of("no_header_support")),
            new Option("", TOP, "logfile_size_limit", List.of("logfile_size_limit", "log_size_limit")),
            new Option("", TOP, "default_js_domain", List.of("default_js_domain")),
            new Option("cluster", List.of("cluster"), "listen", List.of("listen")),
            new Option("cluster", List.of("cluster"), "host", List.of("host", "net")),
            new Option("cluster", List.of("cluster"), "port", List.of("port")),
            new Option("leafnodes", List.of("leafnodes", "leaf"), "listen", List.of("listen")),
            new Option("leafnodes", List.of("leafnodes", "leaf"), "host", List.of("host", "net")),
            new Option("leafnodes", List.of("leafnodes", "leaf"), "port", List.of("port")),
            new Option("mqtt", List.of("mqtt"), "listen", List.of("listen")),
            new Option("mqtt", List.of("mqtt"), "host", List.of("host", "net")),
            new Option("mqtt", List.of("mqtt"), "port", List.of("port")),
            new Option("websocket", List.of("websocket", "ws"), "listen", List.of("listen")),
            new Option("websocket", List.of("websocket", "ws"), "host", List.of("host", "net")),
            new Option("websocket", List.of("websocket", "ws"), "port", List.of("port")),
            new Option("jetstream", JETSTREAM, "domain", List.of("domain")),
            new Option("jetstream", JETSTREAM, "unique_tag", List.of("unique_tag")),
            new Option(
                    "jetstream",
                    JETSTREAM,
                    "max_outstanding_catchup",
                    List.of("max_outstanding_catchup", "max_catchup")),
            new Option("jetstream", JETSTREAM, "extension_hint", List.of("extension_hint")),
            new Option(
                    "jetstream", JETSTREAM, "max_mem", List.of("max_memory_store", "max_mem_store", "max_mem"), true),
            new Option("jetstream", JETSTREAM, "max_file", List.of("max_file_store", "max_file"), true),
            new Option("jetstream", JETSTREAM, "store_dir", List.of("store", "store_dir", "storedir"), true));

    /** Listen, host and port are compared above, with their values. */
    private static final Set<String> ADDRESS = Set.of("listen", "host", "net", "port");

    /** What nats-server 2.9.10 reloads in an {@code mqtt} block (its {@code mqtt*Reload} options). */
    private static final Set<String> MQTT_RELOADABLE = Set.of(
            "ack_wait",
            "ackwait",
            "max_ack_pending",
            "max_pending",
            "max_inflight",
            "stream_replicas",
            "consumer_replicas",
            "consumer_memory_storage",
            "consumer_inactive_threshold");

    private static final List<Block> BLOCKS = List.of(
            new Block("gateway", List.of("gateway"), key -> true),
            new Block("leafnodes", List.of("leafnodes", "leaf"), key -> !ADDRESS.contains(key)),
            new Block("websocket", List.of("websocket", "ws"), key -> !ADDRESS.contains(key)),
            new Block("mqtt", List.of("mqtt"), key -> !ADDRESS.contains(key) && !MQTT_RELOADABLE.contains(key)),
            new Block("jetstream encryption", JETSTREAM, Set.of("key", "ek", "encryption_key", "cipher")::contains));

    /** A printed value is cut here: a value is evidence, not a dump. */
    private static final int MAX_VALUE_CHARS = 80;

    /**
     * The options nats-server would refuse to reload, going from {@code running} to {@code next}
     * (both top-level maps of a parsed config): single options with their values, in the order of
     * nats-server's documentation, then whole blocks, unprinted.
     */
    static List<Change> between(ConfigMap running, ConfigMap next) {
        boolean jetStreamThroughout = jetStreamEnabled(running) && jetStreamEnabled(next);
        List<Change> changes = new ArrayList<>();
        for (Option option : OPTIONS) {
            if (option.whileJetStream() && !jetStreamThroughout) {
                continue;
            }
            Optional<Object> before = value(running, option);
            Optional<Object> after = value(next, option);
            if (!before.equals(after)) {
                String name = option.block().isEmpty() ? option.name() : option.block() + "." + option.name();
                changes.add(new Change(name, printable(before), printable(after)));
            }
        }
        for (Block block : BLOCKS) {
            if (!compared(running, block).equals(compared(next, block))) {
                changes.add(
                        new Change(block.name(), shape(running, block), shape(next, block) + " (values not printed)"));
            }
        }
        return changes;
    }

    /**
     * Whether {@code root} enables JetStream as nats-server reads it: {@code jetstream} true,
     * {@code enabled}/{@code enable}, or a block without {@code enabled: false}.
     */
    static boolean jetStreamEnabled(ConfigMap root) {
        return switch (last(root, JETSTREAM).map(ConfigValue::plain).orElse(false)) {
            case Boolean enabled -> enabled;
            case String word -> word.equalsIgnoreCase("enabled") || word.equalsIgnoreCase("enable");
            case Map<?, ?> block ->
                block.entrySet().stream()
                        .filter(e -> String.valueOf(e.getKey()).equalsIgnoreCase("enabled")
                                || String.valueOf(e.getKey()).equalsIgnoreCase("enable"))
                        .reduce((first, second) -> second)
                        .map(e -> !Boolean.FALSE.equals(e.getValue()))
                        .orElse(true);
            default -> false;
        };
    }

    /**
     * The block's compared part as plain values, keys lower case, {@code tls} dropped at any
     * depth; empty when the block is absent or not a map (which {@code nats-server -t} refuses).
     */
    private static Map<String, Object> compared(ConfigMap root, Block block) {
        Map<String, Object> kept = new TreeMap<>();
        if (last(root, block.keys()).orElse(null) instanceof ConfigMap map) {
            for (ConfigValue.Entry entry : map.entries().values()) {
                String key = entry.key().toLowerCase(Locale.ROOT);
                if (block.compared().test(key) && !key.equals("tls")) {
                    kept.put(key, withoutTls(entry.value().plain()));
                }
            }
        }
        return kept;
    }

    private static Object withoutTls(Object plain) {
        return switch (plain) {
            case Map<?, ?> map -> {
                Map<String, Object> kept = new TreeMap<>();
                map.forEach((key, value) -> {
                    String name = String.valueOf(key).toLowerCase(Locale.ROOT);
                    if (!name.equals("tls")) {
                        kept.put(name, withoutTls(value));
                    }
                });
                yield kept;
            }
            case List<?> list -> list.stream().map(Unreloadable::withoutTls).toList();
            default -> plain;
        };
    }

    /** What a block change shows instead of its values: whether its refused part is set. */
    private static String shape(ConfigMap root, Block block) {
        return compared(root, block).isEmpty() ? "(unset)" : "(set)";
    }

    private static Optional<Object> value(ConfigMap root, Option option) {
        ConfigMap scope = root;
        if (!option.blockKeys().isEmpty()) {
            Optional<ConfigValue> block = last(root, option.blockKeys());
            if (block.isEmpty() || !(block.get() instanceof ConfigMap map)) {
                return Optional.empty();
            }
            scope = map;
        }
        return last(scope, option.keys()).map(ConfigValue::plain);
    }

    /** nats-server matches keys ignoring case, and the last of several spellings wins. */
    private static Optional<ConfigValue> last(ConfigMap map, List<String> keys) {
        ConfigValue found = null;
        for (String key : keys) {
            List<ConfigValue.Entry> entries = map.getIgnoreCase(key);
            if (!entries.isEmpty()) {
                found = entries.getLast().value();
            }
        }
        return Optional.ofNullable(found);
    }

    private static String printable(Optional<Object> value) {
        if (value.isEmpty()) {
            return "(unset)";
        }
        String text = String.valueOf(value.get());
        if (text.length() > MAX_VALUE_CHARS) {
            text = text.substring(0, MAX_VALUE_CHARS) + "...";
        }
        return SafeText.quote(text);
    }
}
