package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.SafeText;
import com.datasance.pot.nats.config.ConfigValue;
import com.datasance.pot.nats.config.ConfigValue.ConfigMap;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The options nats-server cannot change by a reload: its reload code ({@code server/reload.go},
 * {@code diffOptions}) answers "config reload not supported for ..." for them and then refuses
 * the whole reload, the reloadable parts of the same change included. The list is every field of
 * 2.9.10's {@code Options} a config file sets that {@code diffOptions} refuses (its {@code default:}
 * branch and its special rules), checked against a real 2.9.10, and 2.12.4 still refuses each:
 * knowing it before signalling lets
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
     * How two values of an option are compared, as nats-server reads them: an unset option and
     * its default are one value.
     */
    private enum Normal {
        /** As written; unset differs from any value. */
        RAW,
        /** A boolean; unset is false. */
        FLAG,
        /** A number; unset is 0. */
        NUMBER,
        /** A Go duration ({@code "2m"} equals {@code "120s"}); unset is 0. */
        DURATION,
        /** Only whether it is set; its value is never printed (a resolver URL may hold a password). */
        PRESENCE,
        /** A TLS timeout: seconds as a number, or a Go duration; unset is 0. */
        DURATION_SECONDS_OR_NUMBER
    }

    /**
     * An option whose value is compared: its name in messages, the blocks it lives in (each with
     * its spellings, lower case; empty at the top level), its spellings, how values compare, and
     * whether nats-server refuses a change only while JetStream runs before and after it
     * (enabling or disabling JetStream with new storage settings reloads).
     */
    private record Option(
            String name, List<List<String>> path, List<String> keys, Normal normal, boolean whileJetStream) {
        Option(String block, List<String> blockKeys, String name, List<String> keys, boolean whileJetStream) {
            this(
                    block.isEmpty() ? name : block + "." + name,
                    blockKeys.isEmpty() ? List.of() : List.of(blockKeys),
                    keys,
                    Normal.RAW,
                    whileJetStream);
        }

        Option(String block, List<String> blockKeys, String name, List<String> keys) {
            this(block, blockKeys, name, keys, false);
        }

        Option(String name, List<List<String>> path, String key, Normal normal) {
            this(name, path, List.of(key), normal, false);
        }
    }

    /**
     * What of a {@code tls} map inside a block nats-server compares: its {@code tls.Config} is
     * left out, but not the fields it copies beside it (timeout, verify_and_map, ...), nor, where
     * {@code presence} is set, whether the map is there at all (a leafnode or gateway listener's
     * default auth timeout is the TLS timeout + 1 s with TLS, 2 s without).
     *
     * @param presence whether adding or removing the map is refused (unless the block sets its
     *     {@code authorization.timeout})
     * @param defaultTimeout the TLS timeout in seconds when none is written
     * @param keys the compared keys: timeout, verify_and_map, verify_cert_and_check_known_urls,
     *     pinned_certs
     */
    private record TlsRule(boolean presence, double defaultTimeout, Set<String> keys) {}

    /** Drops a block's {@code tls} maps whole (their parts all reload). */
    private static final TlsRule NO_TLS = new TlsRule(false, 0, Set.of());

    /**
     * A block nats-server compares whole ({@code reflect.DeepEqual} in {@code diffOptions}), its
     * {@code tls} maps reduced to what {@code tls} (the block's own) and {@code nestedTls} (those of
     * its remotes) say, limited to the top keys {@code compared} says. Its
     * values are never printed: a gateway's or leafnode's authorization holds passwords, the
     * JetStream block its encryption key.
     */
    private record Block(String name, List<String> keys, Predicate<String> compared, TlsRule tls, TlsRule nestedTls) {
        Block(String name, List<String> keys, Predicate<String> compared) {
            this(name, keys, compared, NO_TLS, NO_TLS);
        }
    }

    private static final List<String> TOP = List.of();
    private static final List<String> JETSTREAM = List.of("jetstream");
    private static final List<List<String>> TOP_PATH = List.of();
    private static final List<List<String>> TLS_PATH = List.of(List.of("tls"));
    private static final List<List<String>> LIMITS_PATH = List.of(JETSTREAM, List.of("limits"));

    /** nats-server's TLS timeout when none is written ({@code TLS_TIMEOUT}, 2 s). */
    private static final double TLS_TIMEOUT = 2;

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
            new Option(
                    "",
                    TOP,
                    "operator",
                    List.of("operator", "operators", "root_operator", "root_operators", "root", "roots")),
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
            new Option("allow_non_tls", TOP_PATH, "allow_non_tls", Normal.FLAG),
            new Option("tls.verify_and_map", TLS_PATH, "verify_and_map", Normal.FLAG),
            new Option("tls.connection_rate_limit", TLS_PATH, "connection_rate_limit", Normal.NUMBER),
            new Option(
                    "resolver",
                    TOP_PATH,
                    List.of("resolver", "account_resolver", "accounts_resolver"),
                    Normal.PRESENCE,
                    false),
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
            new Option("jetstream", JETSTREAM, "store_dir", List.of("store", "store_dir", "storedir"), true),
            new Option("jetstream.limits.max_ack_pending", LIMITS_PATH, "max_ack_pending", Normal.NUMBER),
            new Option("jetstream.limits.max_ha_assets", LIMITS_PATH, "max_ha_assets", Normal.NUMBER),
            new Option("jetstream.limits.max_request_batch", LIMITS_PATH, "max_request_batch", Normal.NUMBER),
            new Option("jetstream.limits.duplicate_window", LIMITS_PATH, "duplicate_window", Normal.DURATION));

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
            new Block(
                    "gateway",
                    List.of("gateway"),
                    key -> true,
                    new TlsRule(
                            true,
                            TLS_TIMEOUT,
                            Set.of("timeout", "verify_and_map", "verify_cert_and_check_known_urls", "pinned_certs")),
                    // A remote gateway keeps only the timeout it was given (0 when none).
                    new TlsRule(false, 0, Set.of("timeout"))),
            new Block(
                    "leafnodes",
                    List.of("leafnodes", "leaf"),
                    key -> !ADDRESS.contains(key),
                    new TlsRule(true, TLS_TIMEOUT, Set.of("timeout", "verify_and_map", "pinned_certs")),
                    // A remote with a tls map gets a timeout (2 s by default), one without none.
                    new TlsRule(true, TLS_TIMEOUT, Set.of("timeout"))),
            new Block(
                    "websocket",
                    List.of("websocket", "ws"),
                    key -> !ADDRESS.contains(key),
                    new TlsRule(false, TLS_TIMEOUT, Set.of("verify_and_map", "pinned_certs")),
                    NO_TLS),
            new Block(
                    "mqtt",
                    List.of("mqtt"),
                    key -> !ADDRESS.contains(key) && !MQTT_RELOADABLE.contains(key),
                    new TlsRule(false, TLS_TIMEOUT, Set.of("timeout", "verify_and_map", "pinned_certs")),
                    NO_TLS),
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
            if (!normal(option.normal(), before).equals(normal(option.normal(), after))) {
                changes.add(
                        option.normal() == Normal.PRESENCE
                                ? new Change(option.name(), shape(before), shape(after) + " (values not printed)")
                                : new Change(option.name(), printable(before), printable(after)));
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
     * The block's compared part as plain values, keys lower case, {@code tls} maps reduced to
     * their compared parts; empty when the block is absent or not a map (which {@code nats-server
     * -t} refuses).
     */
    private static Map<String, Object> compared(ConfigMap root, Block block) {
        Map<String, Object> kept = new TreeMap<>();
        if (last(root, block.keys()).orElse(null) instanceof ConfigMap map) {
            for (ConfigValue.Entry entry : map.entries().values()) {
                String key = entry.key().toLowerCase(Locale.ROOT);
                if (key.equals("tls")) {
                    boolean authTimeout = authTimeoutSet(map);
                    reducedTls(entry.value().plain(), block.tls(), authTimeout).ifPresent(tls -> kept.put(key, tls));
                } else if (block.compared().test(key)) {
                    kept.put(key, nestedTls(entry.value().plain(), block.nestedTls()));
                }
            }
        }
        return kept;
    }

    /** Whether a block sets {@code authorization { timeout }}, which the TLS map then cannot change. */
    private static boolean authTimeoutSet(ConfigMap block) {
        return last(block, List.of("authorization")).orElse(null) instanceof ConfigMap auth
                && !auth.getIgnoreCase("timeout").isEmpty();
    }

    private static Object nestedTls(Object plain, TlsRule rule) {
        return switch (plain) {
            case Map<?, ?> map -> {
                Map<String, Object> kept = new TreeMap<>();
                map.forEach((key, value) -> {
                    String name = String.valueOf(key).toLowerCase(Locale.ROOT);
                    if (name.equals("tls")) {
                        reducedTls(value, rule, false).ifPresent(tls -> kept.put(name, tls));
                    } else {
                        kept.put(name, nestedTls(value, rule));
                    }
                });
                yield kept;
            }
            case List<?> list ->
                list.stream().map(item -> nestedTls(item, rule)).toList();
            default -> plain;
        };
    }

    /**
     * What nats-server compares of a {@code tls} map under {@code rule}, each part as it reads it;
     * empty when that is all defaults and the map's presence does not count (so that a block with
     * the map and one without compare equal).
     */
    private static Optional<Map<String, Object>> reducedTls(Object plain, TlsRule rule, boolean authTimeoutSet) {
        Map<String, Object> tls = new TreeMap<>();
        if (plain instanceof Map<?, ?> map) {
            map.forEach((key, value) -> tls.put(String.valueOf(key).toLowerCase(Locale.ROOT), value));
        }
        Map<String, Object> kept = new TreeMap<>();
        boolean defaults = true;
        for (String key : rule.keys()) {
            Optional<Object> value = Optional.ofNullable(tls.get(key));
            Object read = switch (key) {
                case "timeout" -> {
                    Object seconds = normal(Normal.DURATION_SECONDS_OR_NUMBER, value);
                    yield seconds instanceof Double d && d <= 0 ? rule.defaultTimeout() : seconds;
                }
                case "pinned_certs" -> pinned(value);
                default -> normal(Normal.FLAG, value);
            };
            Object unset = switch (key) {
                case "timeout" -> rule.defaultTimeout();
                case "pinned_certs" -> Set.of();
                default -> false;
            };
            defaults &= read.equals(unset);
            kept.put(key, read);
        }
        if (rule.presence() && !authTimeoutSet) {
            kept.put("(present)", true);
            defaults = false;
        }
        return defaults ? Optional.empty() : Optional.of(kept);
    }

    /** nats-server keeps pinned certificates as a set of lower-case SHA-256 hex strings. */
    private static Object pinned(Optional<Object> value) {
        return switch (value.orElse(null)) {
            case null -> Set.of();
            case List<?> list ->
                list.stream()
                        .map(item -> String.valueOf(item).toLowerCase(Locale.ROOT))
                        .collect(Collectors.toCollection(TreeSet::new));
            case Object other -> other;
        };
    }

    /** What a block change shows instead of its values: whether its refused part is set. */
    private static String shape(ConfigMap root, Block block) {
        return compared(root, block).isEmpty() ? "(unset)" : "(set)";
    }

    private static String shape(Optional<Object> value) {
        return value.isEmpty() ? "(unset)" : "(set)";
    }

    private static Optional<Object> value(ConfigMap root, Option option) {
        ConfigMap scope = root;
        for (List<String> blockKeys : option.path()) {
            if (!(last(scope, blockKeys).orElse(null) instanceof ConfigMap map)) {
                return Optional.empty();
            }
            scope = map;
        }
        return last(scope, option.keys()).map(ConfigValue::plain);
    }

    /**
     * A value as nats-server compares it under {@code normal}; a value of an unexpected type
     * (which {@code nats-server -t} refuses) is kept as written.
     */
    private static Object normal(Normal normal, Optional<Object> value) {
        return switch (normal) {
            case RAW -> value;
            case PRESENCE -> value.isPresent();
            case FLAG -> value.orElse(false);
            case NUMBER ->
                value.orElse(0L) instanceof Number n
                        ? (Object) new BigDecimal(n.toString()).stripTrailingZeros()
                        : value;
            case DURATION ->
                switch (value.orElse(null)) {
                    case null -> Duration.ZERO;
                    case String text -> goDuration(text).map(d -> (Object) d).orElse(text);
                    case Object other -> other;
                };
            case DURATION_SECONDS_OR_NUMBER ->
                switch (value.orElse(null)) {
                    case null -> 0.0;
                    case Number n -> n.doubleValue();
                    case String text ->
                        goDuration(text).map(d -> (Object) (d.toNanos() / 1e9)).orElse(text);
                    case Object other -> other;
                };
        };
    }

    private static Optional<Duration> goDuration(String text) {
        try {
            return Optional.of(GoDuration.parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
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
