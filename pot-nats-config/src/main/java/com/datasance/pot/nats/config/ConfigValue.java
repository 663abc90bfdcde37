package com.datasance.pot.nats.config;

import com.datasance.pot.nats.api.Origin;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One value of a parsed config, with the origin of its text. A value substituted for a {@code
 * $VARIABLE} carries the origin of the reference; the values inside it keep their own.
 *
 * <p>Values are immutable and safe to share between threads.
 */
public sealed interface ConfigValue
        permits ConfigValue.Text,
                ConfigValue.Bool,
                ConfigValue.Int,
                ConfigValue.Decimal,
                ConfigValue.DateTime,
                ConfigValue.ConfigList,
                ConfigValue.ConfigMap {

    /**
     * Where the value's text was written.
     *
     * @return the origin of the value (of the {@code $VARIABLE} reference for a substituted value)
     */
    Origin origin();

    /**
     * The same value with another origin.
     *
     * @param origin the new origin
     * @return a value of the same kind and content
     */
    ConfigValue withOrigin(Origin origin);

    /**
     * The value as plain Java objects, without origins: {@link String}, {@link Boolean}, {@link
     * Long}, {@link Double}, {@link LocalDateTime}, {@link List} and {@link Map}. Two spellings of
     * the same config have equal plain values.
     *
     * @return the plain value; never null
     */
    default Object plain() {
        return Plain.of(this);
    }

    /**
     * A short name of the kind of value, for messages.
     *
     * @return {@code string}, {@code boolean}, {@code integer}, {@code float}, {@code datetime},
     *     {@code array} or {@code map}
     */
    String kind();

    /**
     * A string: quoted, unquoted or a {@code ( ... )} block.
     *
     * @param value the text, escapes and variables resolved
     * @param origin where it was written
     */
    record Text(String value, Origin origin) implements ConfigValue {
        /**
         * Validates the value.
         *
         * @throws NullPointerException when an argument is null
         */
        public Text {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(origin, "origin");
        }

        @Override
        public Text withOrigin(Origin other) {
            return new Text(value, other);
        }

        @Override
        public String kind() {
            return "string";
        }
    }

    /**
     * A boolean; nats-server accepts true/false, yes/no, on/off in any case.
     *
     * @param value the boolean
     * @param origin where it was written
     */
    record Bool(boolean value, Origin origin) implements ConfigValue {
        /**
         * Validates the value.
         *
         * @throws NullPointerException when {@code origin} is null
         */
        public Bool {
            Objects.requireNonNull(origin, "origin");
        }

        @Override
        public Bool withOrigin(Origin other) {
            return new Bool(value, other);
        }

        @Override
        public String kind() {
            return "boolean";
        }
    }

    /**
     * An integer, size suffix applied ({@code 1k} is 1000, {@code 1kb} 1024).
     *
     * @param value the number, suffix applied
     * @param origin where it was written
     */
    record Int(long value, Origin origin) implements ConfigValue {
        /**
         * Validates the value.
         *
         * @throws NullPointerException when {@code origin} is null
         */
        public Int {
            Objects.requireNonNull(origin, "origin");
        }

        @Override
        public Int withOrigin(Origin other) {
            return new Int(value, other);
        }

        @Override
        public String kind() {
            return "integer";
        }
    }

    /**
     * A floating point number ({@code 1.5}).
     *
     * @param value the number
     * @param origin where it was written
     */
    record Decimal(double value, Origin origin) implements ConfigValue {
        /**
         * Validates the value.
         *
         * @throws NullPointerException when {@code origin} is null
         */
        public Decimal {
            Objects.requireNonNull(origin, "origin");
        }

        @Override
        public Decimal withOrigin(Origin other) {
            return new Decimal(value, other);
        }

        @Override
        public String kind() {
            return "float";
        }
    }

    /**
     * A Zulu datetime ({@code 2026-11-23T15:15:26Z}), UTC.
     *
     * @param value the date and time, in UTC
     * @param origin where it was written
     */
    record DateTime(LocalDateTime value, Origin origin) implements ConfigValue {
        /**
         * Validates the value.
         *
         * @throws NullPointerException when an argument is null
         */
        public DateTime {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(origin, "origin");
        }

        @Override
        public DateTime withOrigin(Origin other) {
            return new DateTime(value, other);
        }

        @Override
        public String kind() {
            return "datetime";
        }
    }

    /**
     * An array {@code [ ... ]}.
     *
     * @param items the elements in order; unmodifiable
     * @param origin where the array was written
     */
    record ConfigList(List<ConfigValue> items, Origin origin) implements ConfigValue {
        /**
         * Copies the items.
         *
         * @throws NullPointerException when an argument is null or {@code items} holds null
         */
        public ConfigList {
            items = List.copyOf(items);
            Objects.requireNonNull(origin, "origin");
        }

        @Override
        public ConfigList withOrigin(Origin other) {
            return new ConfigList(items, other);
        }

        @Override
        public String kind() {
            return "array";
        }
    }

    /**
     * A map {@code { ... }}, or the top level of a file. Keys are exact (nats-server matches most
     * of its own keys case-insensitively, see {@link #getIgnoreCase}); a key given twice keeps the
     * last value, as nats-server does. Iteration follows the order of the last definitions.
     *
     * @param entries key to entry, in definition order; unmodifiable
     * @param origin where the map was written (the file's start for the top level)
     */
    record ConfigMap(Map<String, Entry> entries, Origin origin) implements ConfigValue {
        /**
         * Copies the entries, keeping their order.
         *
         * @throws NullPointerException when an argument is null
         */
        public ConfigMap {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
            Objects.requireNonNull(origin, "origin");
        }

        @Override
        public ConfigMap withOrigin(Origin other) {
            return new ConfigMap(entries, other);
        }

        @Override
        public String kind() {
            return "map";
        }

        /**
         * The value under exactly {@code key}.
         *
         * @param key the key, case-sensitive
         * @return its value; empty when there is no such key
         */
        public Optional<ConfigValue> get(String key) {
            Entry entry = entries.get(key);
            return entry == null ? Optional.empty() : Optional.of(entry.value());
        }

        /**
         * Every entry whose key equals {@code key} ignoring case, in map order (nats-server's
         * {@code strings.ToLower} match: a map may hold {@code Port} and {@code port} apart).
         *
         * @param key the key in lower case
         * @return the matching entries; empty when none
         */
        public List<Entry> getIgnoreCase(String key) {
            List<Entry> found = new ArrayList<>(1);
            for (Entry entry : entries.values()) {
                if (Lexer.goLower(entry.key()).equals(key)) {
                    found.add(entry);
                }
            }
            return found;
        }
    }

    /**
     * One key of a map, where the key was written, and its value.
     *
     * @param key the key as written (quotes removed)
     * @param keyOrigin where the key was written
     * @param value its value
     */
    record Entry(String key, Origin keyOrigin, ConfigValue value) {
        /**
         * Validates the entry.
         *
         * @throws NullPointerException when an argument is null
         */
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(keyOrigin, "keyOrigin");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Iterative conversion, so that a deep tree cannot overflow the stack. */
    final class Plain {
        private Plain() {}

        /** A value still to convert, and the slot of its parent container that receives it. */
        private record Frame(ConfigValue value, Object parent, String key) {}

        // The parent slot was created just above as a List<Object> or Map<String, Object>.
        @SuppressWarnings("unchecked")
        static Object of(ConfigValue root) {
            Deque<Frame> work = new ArrayDeque<>();
            Object result = null;
            work.push(new Frame(root, null, null));
            while (!work.isEmpty()) {
                Frame frame = work.pop();
                Object converted = switch (frame.value()) {
                    case Text t -> t.value();
                    case Bool b -> b.value();
                    case Int i -> i.value();
                    case Decimal d -> d.value();
                    case DateTime d -> d.value();
                    case ConfigList l -> {
                        List<Object> list =
                                new ArrayList<>(Collections.nCopies(l.items().size(), null));
                        for (int index = 0; index < l.items().size(); index++) {
                            work.push(new Frame(l.items().get(index), list, Integer.toString(index)));
                        }
                        yield list;
                    }
                    case ConfigMap m -> {
                        Map<String, Object> map = new LinkedHashMap<>();
                        for (Entry entry : m.entries().values()) {
                            map.put(entry.key(), null);
                            work.push(new Frame(entry.value(), map, entry.key()));
                        }
                        yield map;
                    }
                };
                if (frame.parent() == null) {
                    result = converted;
                } else if (frame.parent() instanceof List<?> list) {
                    ((List<Object>) list).set(Integer.parseInt(frame.key()), converted);
                } else {
                    ((Map<String, Object>) frame.parent()).put(frame.key(), converted);
                }
            }
            return result;
        }
    }
}
