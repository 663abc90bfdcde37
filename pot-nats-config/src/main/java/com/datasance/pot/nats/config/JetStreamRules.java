package com.datasance.pot.nats.config;

import com.datasance.pot.nats.api.Origin;
import com.datasance.pot.nats.config.ConfigValue.ConfigMap;
import com.datasance.pot.nats.config.ConfigValue.Entry;
import com.datasance.pot.nats.config.ServerConfig.JetStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How nats-server 2.9.10 decides whether JetStream is on and where it stores data.
 *
 * <p>The server walks the top-level keys of a Go map, so in random order, matching them
 * case-insensitively: {@code jetstream} (a boolean, 'enabled'/'disabled', or a block whose {@code
 * enabled} defaults to true) and {@code store_dir}/{@code storedir}, which may also appear as
 * {@code store}/{@code store_dir}/{@code storedir} inside the block. A second non-empty store_dir is
 * an error ("Duplicate 'store_dir' configuration"). Keys that differ only in case are separate map
 * keys, applied in random order. We therefore run every order the server might use; when they all
 * agree we have the answer, when they disagree the config is refused as ambiguous (the server's
 * result would change from one start to the next).
 */
final class JetStreamRules {

    private static final int MAX_ORDERS = 5040;

    private JetStreamRules() {}

    private sealed interface Op permits TopStoreDir, Flag, Block {}

    private record TopStoreDir(String dir, Origin origin) implements Op {}

    private record Flag(boolean enabled) implements Op {}

    private record Block(List<Inner> inner) implements Op {}

    private sealed interface Inner permits Store, Enable, MaxMemory, MaxFile {}

    private record Store(String dir, Origin origin) implements Inner {}

    private record Enable(boolean enabled) implements Inner {}

    private record MaxMemory(long bytes) implements Inner {}

    private record MaxFile(long bytes) implements Inner {}

    /** The server options these keys set; copied along each order tried. */
    private record State(
            boolean enabled, String storeDir, Optional<Origin> storeDirOrigin, long maxMemory, long maxFile) {}

    private record Result(State state, ConfigException error) {}

    static JetStream evaluate(ConfigMap root, Path base, Path tempDir) throws ConfigException {
        List<Op> ops = new ArrayList<>();
        List<Origin> opOrigins = new ArrayList<>();
        for (Entry entry : root.entries().values()) {
            String key = Lexer.goLower(entry.key());
            if (key.equals("store_dir") || key.equals("storedir")) {
                ops.add(new TopStoreDir(string(entry), entry.value().origin()));
                opOrigins.add(entry.keyOrigin());
            } else if (key.equals("jetstream")) {
                ops.add(jetStreamValue(entry));
                opOrigins.add(entry.keyOrigin());
            }
        }
        long orders = factorial(ops.size());
        for (Op op : ops) {
            if (op instanceof Block block) {
                orders = Math.min(
                        (long) MAX_ORDERS + 1, orders * factorial(block.inner().size()));
            }
        }
        if (orders > MAX_ORDERS) {
            throw new ConfigException(
                    opOrigins.get(opOrigins.size() - 1),
                    "too many 'jetstream' and 'store_dir' keys (differing in case or spelling); nats-server applies"
                            + " them in random order, keep one of each");
        }
        List<Result> results = new ArrayList<>();
        for (int[] order : permutations(ops.size())) {
            runTop(ops, order, 0, new State(false, "", Optional.empty(), 0, 0), results);
        }
        Result first = results.get(0);
        for (Result other : results) {
            boolean sameKind = (first.error() == null) == (other.error() == null);
            if (!sameKind
                    || (first.error() == null
                            && !outcome(first.state(), base, tempDir).equals(outcome(other.state(), base, tempDir)))) {
                throw new ConfigException(
                        opOrigins.get(opOrigins.size() - 1),
                        "'jetstream'/'store_dir' keys that differ only in case or spelling give different results"
                                + " depending on the order nats-server happens to apply them; keep one of each");
            }
        }
        if (first.error() != null) {
            throw first.error();
        }
        return outcome(first.state(), base, tempDir);
    }

    private static JetStream outcome(State state, Path base, Path tempDir) throws ConfigException {
        if (!state.enabled()) {
            return new JetStream.Disabled();
        }
        Path storeDir;
        if (state.storeDir().isEmpty()) {
            // server/jetstream.go: without max_memory_store and max_file_store both set, the
            // "dynamic" configuration uses $TMPDIR/nats; otherwise $TMPDIR.
            boolean dynamic = state.maxMemory() <= 0 || state.maxFile() <= 0;
            // A relative $TMPDIR is relative to nats-server's working directory, the config's directory.
            storeDir = base.resolve(dynamic ? tempDir.resolve("nats") : tempDir).normalize();
        } else {
            storeDir = ServerConfig.resolve(
                    base, state.storeDir(), state.storeDirOrigin().orElseThrow());
        }
        return new JetStream.Enabled(storeDir, storeDir.resolve("jetstream"), state.storeDirOrigin());
    }

    private static void runTop(List<Op> ops, int[] order, int index, State state, List<Result> results) {
        if (index == order.length) {
            results.add(new Result(state, null));
            return;
        }
        Op op = ops.get(order[index]);
        switch (op) {
            case TopStoreDir top -> {
                if (!state.storeDir().isEmpty()) {
                    results.add(new Result(state, duplicate(top.origin())));
                    return;
                }
                runTop(ops, order, index + 1, withStoreDir(state, top.dir(), top.origin()), results);
            }
            case Flag flag -> runTop(ops, order, index + 1, withEnabled(state, flag.enabled()), results);
            case Block block -> {
                for (int[] inner : permutations(block.inner().size())) {
                    State s = state;
                    boolean enable = true;
                    ConfigException failed = null;
                    for (int i : inner) {
                        switch (block.inner().get(i)) {
                            case Store store -> {
                                if (!s.storeDir().isEmpty()) {
                                    failed = duplicate(store.origin());
                                } else {
                                    s = withStoreDir(s, store.dir(), store.origin());
                                }
                            }
                            case Enable e -> enable = e.enabled();
                            case MaxMemory m ->
                                s = new State(s.enabled(), s.storeDir(), s.storeDirOrigin(), m.bytes(), s.maxFile());
                            case MaxFile f ->
                                s = new State(s.enabled(), s.storeDir(), s.storeDirOrigin(), s.maxMemory(), f.bytes());
                        }
                        if (failed != null) {
                            break;
                        }
                    }
                    if (failed != null) {
                        results.add(new Result(s, failed));
                    } else {
                        runTop(ops, order, index + 1, withEnabled(s, enable), results);
                    }
                }
            }
        }
    }

    private static State withStoreDir(State s, String dir, Origin origin) {
        return new State(
                s.enabled(), dir, dir.isEmpty() ? Optional.empty() : Optional.of(origin), s.maxMemory(), s.maxFile());
    }

    private static State withEnabled(State s, boolean enabled) {
        return new State(enabled, s.storeDir(), s.storeDirOrigin(), s.maxMemory(), s.maxFile());
    }

    private static ConfigException duplicate(Origin origin) {
        return new ConfigException(
                origin, "duplicate 'store_dir': set it once, either at the top level or inside the 'jetstream' block");
    }

    private static Op jetStreamValue(Entry entry) throws ConfigException {
        ConfigValue value = entry.value();
        return switch (value) {
            case ConfigValue.Bool bool -> new Flag(bool.value());
            case ConfigValue.Text text -> flag(entry, text);
            case ConfigMap map -> block(entry, map);
            default ->
                throw new ConfigException(
                        value.origin(),
                        "expected a block, a boolean or 'enabled'/'disabled' for '" + entry.key() + "', found a "
                                + value.kind());
        };
    }

    private static Flag flag(Entry entry, ConfigValue.Text text) throws ConfigException {
        return switch (Lexer.goLower(text.value())) {
            case "enabled", "enable" -> new Flag(true);
            case "disabled", "disable" -> new Flag(false);
            default ->
                throw new ConfigException(
                        text.origin(),
                        "expected 'enabled' or 'disabled' for '" + entry.key() + "', found '" + text.value()
                                + "'; for settings use a block: 'jetstream { store_dir: ... }'");
        };
    }

    private static Block block(Entry entry, ConfigMap map) throws ConfigException {
        List<Inner> inner = new ArrayList<>();
        for (Entry e : map.entries().values()) {
            switch (Lexer.goLower(e.key())) {
                case "store", "store_dir", "storedir" ->
                    inner.add(new Store(string(e), e.value().origin()));
                case "enable", "enabled" -> {
                    if (!(e.value() instanceof ConfigValue.Bool bool)) {
                        throw new ConfigException(
                                e.value().origin(),
                                "'" + entry.key() + "." + e.key() + "' must be a boolean, found a "
                                        + e.value().kind());
                    }
                    inner.add(new Enable(bool.value()));
                }
                case "max_memory_store", "max_mem_store", "max_mem" -> inner.add(new MaxMemory(storageSize(entry, e)));
                case "max_file_store", "max_file" -> inner.add(new MaxFile(storageSize(entry, e)));
                default -> {
                    // Other JetStream settings do not move the store directory.
                }
            }
        }
        return new Block(inner);
    }

    private static String string(Entry entry) throws ConfigException {
        if (entry.value() instanceof ConfigValue.Text text) {
            return text.value();
        }
        throw new ConfigException(
                entry.value().origin(),
                "'" + entry.key() + "' must be a directory name (a string), found a "
                        + entry.value().kind());
    }

    /** server/opts.go getStorageSize: an integer, or a string such as '10G' (K, M, G, T; powers of 1024). */
    private static long storageSize(Entry block, Entry entry) throws ConfigException {
        String name = "'" + block.key() + "." + entry.key() + "'";
        return switch (entry.value()) {
            case ConfigValue.Int i -> i.value();
            case ConfigValue.Text text -> sizeString(name, text);
            default ->
                throw new ConfigException(
                        entry.value().origin(),
                        name + " must be an integer or a size string, found a "
                                + entry.value().kind());
        };
    }

    private static long sizeString(String name, ConfigValue.Text text) throws ConfigException {
        String s = text.value();
        if (s.isEmpty()) {
            return 0;
        }
        char suffix = s.charAt(s.length() - 1);
        String prefix = s.substring(0, s.length() - 1);
        if (!prefix.matches("[+-]?[0-9]+")) {
            throw new ConfigException(text.origin(), name + " must be a size such as '10G', found '" + s + "'");
        }
        long number;
        try {
            number = Long.parseLong(prefix);
        } catch (NumberFormatException e) {
            throw new ConfigException(text.origin(), name + " is out of range: '" + s + "'");
        }
        int shift = switch (suffix) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default ->
                throw new ConfigException(
                        text.origin(), name + " sizes written as strings must end in K, M, G or T, found '" + s + "'");
        };
        return number << shift;
    }

    private static long factorial(int n) {
        long f = 1;
        for (int i = 2; i <= n; i++) {
            f = f > MAX_ORDERS ? f : f * i;
        }
        return f;
    }

    /** Every order of 0..n-1, the identity (document order) first. */
    private static List<int[]> permutations(int n) {
        List<int[]> all = new ArrayList<>();
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        while (true) {
            all.add(p.clone());
            int i = n - 2;
            while (i >= 0 && p[i] >= p[i + 1]) {
                i--;
            }
            if (i < 0) {
                return all;
            }
            int j = n - 1;
            while (p[j] <= p[i]) {
                j--;
            }
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
            for (int a = i + 1, b = n - 1; a < b; a++, b--) {
                t = p[a];
                p[a] = p[b];
                p[b] = t;
            }
        }
    }
}
