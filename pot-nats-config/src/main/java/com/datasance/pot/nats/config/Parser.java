package com.datasance.pot.nats.config;

import com.datasance.pot.nats.api.Origin;
import com.datasance.pot.nats.config.ConfigValue.ConfigList;
import com.datasance.pot.nats.config.ConfigValue.ConfigMap;
import com.datasance.pot.nats.config.ConfigValue.Entry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns tokens into values as nats-server 2.9.10 {@code conf/parse.go} does: a stack of map and
 * array contexts, a stack of pending keys, {@code $VARIABLE} lookup through the enclosing maps and
 * then the environment, includes merged into the current map. The loop is iterative; nesting,
 * include depth and variable expansion have explicit limits so that no input can exhaust the
 * stack, the heap or the time.
 */
final class Parser {

    /** Deeper nesting is rejected; nats-server has no limit, but no real config comes near it. */
    static final int MAX_NESTING = 1000;

    /** nats-server 2.9.10 recurses forever on an include cycle; we stop at a cycle or this depth. */
    static final int MAX_INCLUDE_DEPTH = 64;

    /** Values a config may expand to through variables that repeat maps and arrays. */
    static final long MAX_EXPANDED_VALUES = 20_000_000L;

    /** Environment variables parsed during one read (each may reference others). */
    static final int MAX_ENVIRONMENT_LOOKUPS = 10_000;

    /**
     * The most config text one read takes in, over the main file and all its includes: 8 MiB, or a
     * sixteenth of the heap when that is less (a parsed config costs several times its size in
     * tokens and values; the image's wrapper runs with a 64 MiB heap). nats-server accepts larger
     * configs; pot-nats then says it does not read them and nats-server remains the judge.
     */
    static final long MAX_FILE_BYTES =
            Math.min(8L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 16);

    /** nats-server treats raw strings that look like bcrypt hashes as strings, not variables. */
    private static final String BCRYPT_PREFIX = "2a$";

    private static final Pattern DECIMAL_INTEGER = Pattern.compile("-?[0-9]+");

    private static final DateTimeFormatter ZULU =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withResolverStyle(ResolverStyle.STRICT);

    /** State shared by the main file, its includes and environment values of one read. */
    static final class Session {
        final Map<String, String> environment;
        final Path baseDir;
        final List<FileReference> includes = new ArrayList<>();
        final Deque<Path> includeChain = new ArrayDeque<>();
        final Set<String> environmentChain = new LinkedHashSet<>();
        final IdentityHashMap<ConfigValue, Long> weights = new IdentityHashMap<>();
        int environmentLookups;
        /** Characters of config text read so far, for {@link #MAX_FILE_BYTES}. */
        long bytesRead;

        Session(Map<String, String> environment, Path baseDir) {
            this.environment = Map.copyOf(environment);
            this.baseDir = baseDir;
        }

        long weight(ConfigValue value) {
            Long weight = weights.get(value);
            return weight == null ? 1 : weight;
        }
    }

    private record Key(String name, Origin origin) {}

    private sealed interface Context permits MapContext, ListContext {}

    private static final class MapContext implements Context {
        final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
        final Origin origin;
        long weight = 1;

        MapContext(Origin origin) {
            this.origin = origin;
        }
    }

    private static final class ListContext implements Context {
        final List<ConfigValue> items = new ArrayList<>();
        final Origin origin;
        long weight = 1;

        ListContext(Origin origin) {
            this.origin = origin;
        }
    }

    private final String source;
    private final String text;
    private final Path includeDir;
    private final Optional<Origin> includedFrom;
    private final Session session;
    private final int[] lineStarts;
    private final List<Context> contexts = new ArrayList<>();
    private final List<Key> keys = new ArrayList<>();
    private Context current;

    Parser(String source, String text, Path includeDir, Optional<Origin> includedFrom, Session session) {
        this.source = source;
        this.text = text;
        this.includeDir = includeDir;
        this.includedFrom = includedFrom;
        this.session = session;
        this.lineStarts = lineStarts(text);
    }

    private static int[] lineStarts(String text) {
        int[] starts = new int[64];
        int count = 1;
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
            }
            starts[count++] = i + 1;
        }
        return Arrays.copyOf(starts, count);
    }

    Origin origin(int offset) {
        int clamped = Math.max(0, Math.min(offset, text.length()));
        int index = Arrays.binarySearch(lineStarts, clamped);
        int line = index >= 0 ? index : -index - 2;
        return new Origin(source, line + 1, clamped - lineStarts[line] + 1, includedFrom);
    }

    private ConfigException error(int offset, String message) {
        return new ConfigException(origin(offset), message);
    }

    ConfigMap parse() throws ConfigException {
        MapContext top = new MapContext(origin(0));
        push(top);
        Lexer lexer = new Lexer(text);
        while (true) {
            Lexer.Item item = lexer.nextItem();
            if (item.type() == Lexer.Type.EOF) {
                break;
            }
            process(item);
        }
        return buildMap(top);
    }

    private void push(Context context) {
        contexts.add(context);
        current = context;
    }

    private Context pop() {
        Context last = contexts.remove(contexts.size() - 1);
        current = contexts.get(contexts.size() - 1);
        return last;
    }

    private void process(Lexer.Item item) throws ConfigException {
        int offset = item.offset();
        String value = item.value();
        switch (item.type()) {
            case ERROR -> throw error(offset, value);
            case KEY -> keys.add(new Key(value, origin(offset)));
            case MAP_START -> {
                checkNesting(offset);
                push(new MapContext(origin(offset - 1)));
            }
            case MAP_END -> {
                if (contexts.size() < 2) {
                    throw new IllegalStateException("map end without a map at " + origin(offset));
                }
                setValue(buildMap((MapContext) pop()));
            }
            case ARRAY_START -> {
                checkNesting(offset);
                push(new ListContext(origin(offset - 1)));
            }
            case ARRAY_END -> {
                if (contexts.size() < 2) {
                    throw new IllegalStateException("array end without an array at " + origin(offset));
                }
                ListContext list = (ListContext) pop();
                ConfigList built = new ConfigList(list.items, list.origin);
                if (list.weight > 1) {
                    session.weights.put(built, list.weight);
                }
                setValue(built);
            }
            case STRING -> setValue(new ConfigValue.Text(value, origin(offset)));
            case BOOL -> setValue(new ConfigValue.Bool(parseBool(value), origin(offset)));
            case INTEGER -> integer(value, offset);
            case FLOAT -> setValue(new ConfigValue.Decimal(parseFloat(value, offset), origin(offset)));
            case DATETIME -> setValue(new ConfigValue.DateTime(parseDateTime(value, offset), origin(offset)));
            case VARIABLE -> setValue(lookupVariable(value, offset));
            case INCLUDE -> include(value, offset);
            case TEXT, COMMENT_START, EOF -> {
                // Comments carry no value.
            }
        }
    }

    private void checkNesting(int offset) throws ConfigException {
        if (contexts.size() > MAX_NESTING) {
            throw error(
                    offset - 1, "maps and arrays nested deeper than " + MAX_NESTING + " levels; flatten the config");
        }
    }

    private ConfigMap buildMap(MapContext map) {
        ConfigMap built = new ConfigMap(map.entries, map.origin);
        if (map.weight > 1) {
            session.weights.put(built, map.weight);
        }
        return built;
    }

    private void setValue(ConfigValue value) throws ConfigException {
        long weight = session.weight(value);
        switch (current) {
            case ListContext list -> {
                list.items.add(value);
                list.weight = grow(list.weight, weight, value);
            }
            case MapContext map -> {
                if (keys.isEmpty()) {
                    throw new IllegalStateException("value without a key at " + value.origin());
                }
                Key key = keys.remove(keys.size() - 1);
                // Last definition wins, as in nats-server; keep map order = order of last definitions.
                Entry previous = map.entries.remove(key.name());
                if (previous != null) {
                    map.weight -= session.weight(previous.value());
                }
                map.entries.put(key.name(), new Entry(key.name(), key.origin(), value));
                map.weight = grow(map.weight, weight, value);
            }
        }
    }

    private static long grow(long total, long added, ConfigValue value) throws ConfigException {
        long sum = total + added;
        if (sum > MAX_EXPANDED_VALUES) {
            throw new ConfigException(
                    value.origin(),
                    "the config expands to more than " + MAX_EXPANDED_VALUES
                            + " values; variables that repeat large maps or arrays multiply its size");
        }
        return sum;
    }

    private static boolean parseBool(String value) {
        return switch (Lexer.goLower(value)) {
            case "true", "yes", "on" -> true;
            default -> false;
        };
    }

    private void integer(String value, int offset) throws ConfigException {
        int digits = 0;
        while (digits < value.length() && (Character.isDigit(value.charAt(digits)) || value.charAt(digits) == '-')) {
            digits++;
        }
        String number = value.substring(0, digits);
        if (!DECIMAL_INTEGER.matcher(number).matches()) {
            throw error(offset, "expected an integer, found '" + value + "'");
        }
        long num;
        try {
            num = Long.parseLong(number);
        } catch (NumberFormatException e) {
            throw error(offset, "integer '" + value + "' is out of range");
        }
        // Overflow wraps as Go's int64 multiplication does.
        long scaled;
        switch (Lexer.goLower(value.substring(digits).strip())) {
            case "" -> scaled = num;
            case "k" -> scaled = num * 1000;
            case "kb", "ki", "kib" -> scaled = num * 1024;
            case "m" -> scaled = num * 1000 * 1000;
            case "mb", "mi", "mib" -> scaled = num * 1024 * 1024;
            case "g" -> scaled = num * 1000 * 1000 * 1000;
            case "gb", "gi", "gib" -> scaled = num * 1024 * 1024 * 1024;
            case "t" -> scaled = num * 1000 * 1000 * 1000 * 1000;
            case "tb", "ti", "tib" -> scaled = num * 1024 * 1024 * 1024 * 1024;
            case "p" -> scaled = num * 1000 * 1000 * 1000 * 1000 * 1000;
            case "pb", "pi", "pib" -> scaled = num * 1024 * 1024 * 1024 * 1024 * 1024;
            case "e" -> scaled = num * 1000 * 1000 * 1000 * 1000 * 1000 * 1000;
            case "eb", "ei", "eib" -> scaled = num * 1024 * 1024 * 1024 * 1024 * 1024 * 1024;
            default -> {
                // nats-server 2.9.10 sets no value for an unknown suffix such as '1kbb' and leaves the
                // key pending; the next value in this map then lands under it. Reproduced on purpose.
                return;
            }
        }
        setValue(new ConfigValue.Int(scaled, origin(offset)));
    }

    private double parseFloat(String value, int offset) throws ConfigException {
        double parsed;
        try {
            if (!value.chars().allMatch(c -> c == '-' || c == '.' || (c >= '0' && c <= '9'))) {
                throw new NumberFormatException(value);
            }
            parsed = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw error(offset, "expected a float, found '" + value + "'");
        }
        if (Double.isInfinite(parsed)) {
            throw error(offset, "float '" + value + "' is out of range");
        }
        return parsed;
    }

    private LocalDateTime parseDateTime(String value, int offset) throws ConfigException {
        try {
            return LocalDateTime.parse(value, ZULU);
        } catch (DateTimeParseException e) {
            throw error(offset, "expected a Zulu datetime such as '2026-01-02T15:04:05Z', found '" + value + "'");
        }
    }

    private ConfigValue lookupVariable(String name, int offset) throws ConfigException {
        Origin at = origin(offset);
        if (name.startsWith(BCRYPT_PREFIX)) {
            return new ConfigValue.Text("$" + name, at);
        }
        for (int i = contexts.size() - 1; i >= 0; i--) {
            if (contexts.get(i) instanceof MapContext map) {
                Entry entry = map.entries.get(name);
                if (entry != null) {
                    return rewrap(entry.value(), at);
                }
            }
        }
        String raw = session.environment.get(name);
        if (raw == null) {
            throw new ConfigException(
                    at, "variable '$" + name + "' is not defined in an enclosing map nor in the environment");
        }
        if (session.environmentChain.contains(name)) {
            throw new ConfigException(
                    at,
                    "variable reference cycle through the environment: " + String.join(" -> ", session.environmentChain)
                            + " -> " + name);
        }
        if (++session.environmentLookups > MAX_ENVIRONMENT_LOOKUPS) {
            throw new ConfigException(
                    at, "more than " + MAX_ENVIRONMENT_LOOKUPS + " environment variable lookups in one config");
        }
        // nats-server parses the environment value as the config line 'pk=VALUE', so '22' is an
        // integer, 'true' a boolean and '{a: 1}' a map.
        session.environmentChain.add(name);
        ConfigMap parsed;
        try {
            parsed = new Parser("$" + name, "pk=" + raw, session.baseDir, Optional.of(at), session).parse();
        } catch (ConfigException e) {
            throw new ConfigException(
                    at, "environment variable '" + name + "' cannot be parsed as a value: " + e.detail(), e);
        } finally {
            session.environmentChain.remove(name);
        }
        Entry entry = parsed.entries().get("pk");
        if (entry == null) {
            throw new ConfigException(at, "environment variable '" + name + "' does not hold a value");
        }
        return rewrap(entry.value(), at);
    }

    private ConfigValue rewrap(ConfigValue value, Origin at) {
        ConfigValue moved = value.withOrigin(at);
        Long weight = session.weights.get(value);
        if (weight != null) {
            session.weights.put(moved, weight);
        }
        return moved;
    }

    private void include(String name, int offset) throws ConfigException {
        Origin at = origin(offset);
        Path path;
        try {
            // Go's filepath.Join: an absolute name is still joined under the including file's directory.
            path = Path.of(includeDir.toString(), name).normalize();
        } catch (InvalidPathException e) {
            throw new ConfigException(at, "include file name '" + name + "' is not a valid path");
        }
        if (session.includeChain.size() >= MAX_INCLUDE_DEPTH) {
            throw new ConfigException(at, "includes nested deeper than " + MAX_INCLUDE_DEPTH + " files");
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException | SecurityException e) {
            throw new ConfigException(
                    at,
                    "cannot read include file '" + path + "': " + describe(e),
                    new ConfigException.Problem.UnreadableFile(
                            path.toAbsolutePath().normalize()));
        }
        if (session.includeChain.contains(real)) {
            List<Path> chain = new ArrayList<>();
            session.includeChain.descendingIterator().forEachRemaining(chain::add);
            chain.add(real);
            throw new ConfigException(
                    at,
                    "include cycle: "
                            + chain.stream().map(p -> "'" + p + "'").collect(Collectors.joining(" -> "))
                            + "; remove one include",
                    new ConfigException.Problem.IncludeCycle(chain));
        }
        String content = readConfigFile(path, real, at);
        session.bytesRead += content.length();
        if (session.bytesRead > MAX_FILE_BYTES) {
            throw new ConfigException(
                    at,
                    "the config and its includes hold more than " + MAX_FILE_BYTES + " bytes (at '" + path
                            + "'); pot-nats does not read configs that large");
        }
        session.includes.add(new FileReference(
                FileReference.Kind.INCLUDE, path.toAbsolutePath().normalize(), "include", at));
        session.includeChain.push(real);
        ConfigMap included;
        try {
            Path parent = path.getParent();
            included = new Parser(
                            path.toString(), content, parent == null ? Path.of("") : parent, Optional.of(at), session)
                    .parse();
        } finally {
            session.includeChain.pop();
        }
        for (Entry entry : included.entries().values()) {
            keys.add(new Key(entry.key(), entry.keyOrigin()));
            setValue(entry.value());
        }
    }

    /** Reads a config file; errors name {@code at}, the place that asked for the file. */
    static String readConfigFile(Path path, Path real, Origin at) throws ConfigException {
        try {
            if (!Files.isRegularFile(real)) {
                throw new ConfigException(
                        at,
                        "'" + path + "' is not a regular file",
                        new ConfigException.Problem.UnreadableFile(
                                path.toAbsolutePath().normalize()));
            }
            long size = Files.size(real);
            if (size > MAX_FILE_BYTES) {
                throw new ConfigException(
                        at,
                        "'" + path + "' is " + size + " bytes; pot-nats does not read configs over " + MAX_FILE_BYTES
                                + " bytes (nats-server still judges it)");
            }
            return new String(Files.readAllBytes(real), StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            throw new ConfigException(
                    at,
                    "cannot read '" + path + "': " + describe(e),
                    new ConfigException.Problem.UnreadableFile(
                            path.toAbsolutePath().normalize()));
        }
    }

    static String describe(Exception e) {
        String message = e.getMessage();
        String kind = e.getClass().getSimpleName();
        return message == null ? kind : kind + " " + message;
    }
}
