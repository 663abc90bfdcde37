package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.SafeText;
import com.datasance.pot.nats.config.ConfigValue;
import com.datasance.pot.nats.config.ConfigValue.ConfigMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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

    /** An option: where it lives (a block, or the top level) and its spellings, lower case. */
    private record Option(String block, List<String> blockKeys, String name, List<String> keys) {}

    private static final List<String> TOP = List.of();

    /**
     * None of these holds a secret (ports, host names, sizes, names of accounts and users): their
     * values may be printed. Passwords and tokens are reloadable and never compared here.
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
            new Option("", TOP, "system_account", List.of("system_account", "system")),
            new Option("", TOP, "lame_duck_duration", List.of("lame_duck_duration")),
            new Option("", TOP, "max_subscriptions", List.of("max_subscriptions", "max_subs")),
            new Option("", TOP, "max_pending", List.of("max_pending")),
            new Option("", TOP, "no_auth_user", List.of("no_auth_user")),
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
            new Option("jetstream", List.of("jetstream"), "max_mem", List.of("max_mem", "max_memory_store")),
            new Option("jetstream", List.of("jetstream"), "max_file", List.of("max_file", "max_file_store")),
            new Option("jetstream", List.of("jetstream"), "store_dir", List.of("store_dir", "storedir")));

    /** A printed value is cut here: a value is evidence, not a dump. */
    private static final int MAX_VALUE_CHARS = 80;

    /**
     * The options nats-server would refuse to reload, going from {@code running} to {@code next}
     * (both top-level maps of a parsed config), in the order of nats-server's documentation.
     */
    static List<Change> between(ConfigMap running, ConfigMap next) {
        List<Change> changes = new ArrayList<>();
        for (Option option : OPTIONS) {
            Optional<Object> before = value(running, option);
            Optional<Object> after = value(next, option);
            if (!before.equals(after)) {
                String name = option.block().isEmpty() ? option.name() : option.block() + "." + option.name();
                changes.add(new Change(name, printable(before), printable(after)));
            }
        }
        return changes;
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
