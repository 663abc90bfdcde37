package com.datasance.pot.nats.config;

import com.datasance.pot.nats.api.Origin;
import com.datasance.pot.nats.api.ServerFacts;
import com.datasance.pot.nats.config.ConfigValue.ConfigList;
import com.datasance.pot.nats.config.ConfigValue.ConfigMap;
import com.datasance.pot.nats.config.ConfigValue.Entry;
import com.datasance.pot.nats.config.ConfigValue.Text;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What pot-nats needs to know about a nats-server config, interpreted as nats-server 2.9.10 does
 * ({@code server/opts.go}, {@code server/jetstream.go}): whether JetStream is on and where its data
 * lives, every file the config refers to, the system account, operator mode and the JWT resolver.
 * Relative paths resolve against the config file's directory, which is nats-server's working
 * directory under pot-nats. Immutable.
 *
 * @param document the parsed config
 * @param jetStream whether the server runs JetStream, and its directories
 * @param files every include, TLS file, operator JWT file, resolver directory and leafnode
 *     credentials file, in config order (includes first)
 * @param systemAccount {@code system_account} (or {@code system}) as written in the config; an
 *     operator JWT may name one too, which this reader does not decode
 * @param operatorMode true when the config names trusted operators ({@code operator} and aliases)
 * @param resolver the account JWT resolver, when one is configured
 */
public record ServerConfig(
        ConfigDocument document,
        JetStream jetStream,
        List<FileReference> files,
        Optional<String> systemAccount,
        boolean operatorMode,
        Optional<Resolver> resolver) {

    /** The server's JetStream, on or off. */
    public sealed interface JetStream {

        /** JetStream is not enabled for the server (a {@code jetstream} block in an account does not count). */
        record Disabled() implements JetStream {}

        /**
         * JetStream is enabled.
         *
         * @param storeDir the store directory handed to JetStream: {@code store_dir} resolved, or
         *     nats-server's default ({@code $TMPDIR/nats}, or {@code $TMPDIR} when both {@code
         *     max_memory_store} and {@code max_file_store} are set)
         * @param jetStreamDir {@code storeDir/jetstream}, the directory holding one sub-directory per
         *     account; what {@code /varz} reports as {@code jetstream.config.store_dir}
         * @param storeDirOrigin where {@code store_dir} was set; empty when the default applies
         */
        record Enabled(Path storeDir, Path jetStreamDir, Optional<Origin> storeDirOrigin) implements JetStream {
            /**
             * Validates the value.
             *
             * @throws NullPointerException when an argument is null
             */
            public Enabled {
                Objects.requireNonNull(storeDir, "storeDir");
                Objects.requireNonNull(jetStreamDir, "jetStreamDir");
                Objects.requireNonNull(storeDirOrigin, "storeDirOrigin");
            }
        }
    }

    /**
     * The account JWT resolver ({@code resolver}, {@code account_resolver}, {@code accounts_resolver}).
     *
     * @param type which resolver nats-server runs
     * @param dir the resolver directory, resolved; only {@code full} and {@code cache} have one
     * @param origin where the resolver was configured
     */
    public record Resolver(Type type, Optional<Path> dir, Origin origin) {
        /** The kinds of resolver nats-server knows. */
        public enum Type {
            /** {@code MEMORY}: account JWTs written in the config's {@code resolver_preload}. */
            MEMORY,
            /** {@code URL(...)}: account JWTs fetched over HTTP. */
            URL,
            /** {@code type: full}: a directory holding every account JWT. */
            FULL,
            /** {@code type: cache}: a directory caching account JWTs. */
            CACHE
        }

        /**
         * Validates the value.
         *
         * @throws NullPointerException when an argument is null
         */
        public Resolver {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(dir, "dir");
            Objects.requireNonNull(origin, "origin");
        }
    }

    /**
     * Copies {@code files}.
     *
     * @throws NullPointerException when an argument is null or {@code files} holds null
     */
    public ServerConfig {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(jetStream, "jetStream");
        files = List.copyOf(files);
        Objects.requireNonNull(systemAccount, "systemAccount");
        Objects.requireNonNull(resolver, "resolver");
    }

    /**
     * Interprets a parsed config. {@code environment} supplies {@code TMPDIR} for nats-server's
     * default store directory ({@code /tmp} when unset or empty, as Go's {@code os.TempDir}).
     *
     * @param document the parsed config
     * @param environment the environment nats-server will run with (only {@code TMPDIR} is read)
     * @return the interpreted config
     * @throws ConfigException when a value pot-nats relies on has a type or form nats-server
     *     rejects, e.g. {@code jetstream: maybe} or a {@code store_dir} given twice
     */
    public static ServerConfig of(ConfigDocument document, Map<String, String> environment) throws ConfigException {
        ConfigMap root = document.root();
        Path base = document.baseDir();
        String tmp = environment.getOrDefault("TMPDIR", "");
        Path tempDir = Path.of(tmp.isEmpty() ? "/tmp" : tmp);
        JetStream jetStream = JetStreamRules.evaluate(root, base, tempDir);
        List<FileReference> files = new ArrayList<>(document.includes());
        collectTls(root, base, files);
        boolean operatorMode = collectOperators(root, base, files);
        Optional<Resolver> resolver = resolver(root, base, files);
        return new ServerConfig(document, jetStream, files, systemAccount(root), operatorMode, resolver);
    }

    /**
     * The file this config was read from.
     *
     * @return the config file as given to the reader; empty for in-memory input
     */
    public Optional<Path> configFile() {
        return document.file();
    }

    /**
     * Whether the server runs JetStream (a {@code jetstream} block in an account does not count).
     *
     * @return true when {@link #jetStream()} is {@link JetStream.Enabled}
     */
    public boolean jetStreamEnabled() {
        return jetStream instanceof JetStream.Enabled;
    }

    /**
     * The store directory handed to JetStream.
     *
     * @return {@code store_dir} resolved, or nats-server's default; empty when JetStream is off
     */
    public Optional<Path> storeDir() {
        return jetStream instanceof JetStream.Enabled enabled ? Optional.of(enabled.storeDir()) : Optional.empty();
    }

    /**
     * The directory holding per-account JetStream data.
     *
     * @return {@code storeDir/jetstream}, equal to {@code /varz} {@code jetstream.config.store_dir};
     *     empty when JetStream is not enabled
     */
    public Optional<Path> jetStreamDir() {
        return jetStream instanceof JetStream.Enabled enabled ? Optional.of(enabled.jetStreamDir()) : Optional.empty();
    }

    /**
     * The per-account JetStream directory for a store directory given outside the config (pot-nats'
     * NATS_JETSTREAM_STORE_DIR): {@code storeDir} resolved against the config file's directory,
     * plus the {@code jetstream} level nats-server appends.
     *
     * @param storeDir a store directory as written in the environment, absolute or relative
     * @return {@code storeDir/jetstream}, absolute
     * @throws ConfigException when {@code storeDir} is not a valid path
     */
    public Path jetStreamDirFor(String storeDir) throws ConfigException {
        Origin origin = new Origin(configFile().map(Path::toString).orElse(Origin.IN_MEMORY), 1, 1, Optional.empty());
        return resolve(document.baseDir(), storeDir, origin).resolve("jetstream");
    }

    /**
     * The facts other modules act on (operator mode, operator JWT files, system account, resolver,
     * store directory), as {@code pot-nats-api} values: the purge module takes these, so it never
     * depends on this reader.
     *
     * @return this config's facts; never null
     */
    public ServerFacts facts() {
        ServerFacts.ResolverType type = resolver.map(r -> switch (r.type()) {
                    case MEMORY -> ServerFacts.ResolverType.MEMORY;
                    case URL -> ServerFacts.ResolverType.URL;
                    case FULL -> ServerFacts.ResolverType.FULL;
                    case CACHE -> ServerFacts.ResolverType.CACHE;
                })
                .orElse(ServerFacts.ResolverType.NONE);
        return new ServerFacts(
                configFile().map(p -> p.toAbsolutePath().normalize()),
                operatorMode,
                filesOf(FileReference.Kind.OPERATOR_JWT).stream()
                        .map(FileReference::path)
                        .toList(),
                systemAccount,
                type,
                resolver.flatMap(Resolver::dir).map(p -> p.toAbsolutePath().normalize()),
                resolver.map(Resolver::origin),
                storeDir().map(p -> p.toAbsolutePath().normalize()));
    }

    /**
     * The included files, nested ones too; what a watcher must add to the config file itself.
     *
     * @return the {@link FileReference.Kind#INCLUDE} references, in read order
     */
    public List<FileReference> includes() {
        return filesOf(FileReference.Kind.INCLUDE);
    }

    /**
     * The referenced files of one kind.
     *
     * @param kind which references to keep
     * @return those of {@link #files()} with that kind, in config order
     */
    public List<FileReference> filesOf(FileReference.Kind kind) {
        return files.stream().filter(f -> f.kind() == kind).toList();
    }

    private static Optional<String> systemAccount(ConfigMap root) throws ConfigException {
        // nats-server looks these two keys up with exact case (configureSystemAccount).
        for (String key : List.of("system_account", "system")) {
            Optional<ConfigValue> value = root.get(key);
            if (value.isPresent()) {
                if (value.get() instanceof Text text) {
                    return Optional.of(text.value());
                }
                throw new ConfigException(
                        value.get().origin(),
                        "'" + key + "' must be a string, found a " + value.get().kind());
            }
        }
        return Optional.empty();
    }

    private static void collectTls(ConfigMap root, Path base, List<FileReference> files) throws ConfigException {
        tlsBlock(root, "", base, files);
        for (Entry cluster : root.getIgnoreCase("cluster")) {
            if (cluster.value() instanceof ConfigMap map) {
                tlsBlock(map, cluster.key(), base, files);
            }
        }
        for (Entry gateway : root.getIgnoreCase("gateway")) {
            if (gateway.value() instanceof ConfigMap map) {
                tlsBlock(map, gateway.key(), base, files);
                eachMapIn(map, "gateways", gateway.key(), (item, path) -> tlsBlock(item, path, base, files));
            }
        }
        for (String leafKey : List.of("leafnodes", "leaf")) {
            for (Entry leaf : root.getIgnoreCase(leafKey)) {
                if (leaf.value() instanceof ConfigMap map) {
                    tlsBlock(map, leaf.key(), base, files);
                    eachMapIn(map, "remotes", leaf.key(), (remote, path) -> {
                        tlsBlock(remote, path, base, files);
                        for (String credsKey : List.of("credentials", "creds")) {
                            for (Entry creds : remote.getIgnoreCase(credsKey)) {
                                files.add(reference(
                                        FileReference.Kind.CREDENTIALS, creds, path + "." + creds.key(), base));
                            }
                        }
                    });
                }
            }
        }
        for (String wsKey : List.of("websocket", "ws", "mqtt")) {
            for (Entry block : root.getIgnoreCase(wsKey)) {
                if (block.value() instanceof ConfigMap map) {
                    tlsBlock(map, block.key(), base, files);
                }
            }
        }
    }

    private interface MapVisitor {
        void visit(ConfigMap map, String path) throws ConfigException;
    }

    private static void eachMapIn(ConfigMap parent, String key, String parentPath, MapVisitor visitor)
            throws ConfigException {
        for (Entry entry : parent.getIgnoreCase(key)) {
            if (entry.value() instanceof ConfigList list) {
                for (int i = 0; i < list.items().size(); i++) {
                    if (list.items().get(i) instanceof ConfigMap item) {
                        visitor.visit(item, parentPath + "." + entry.key() + "[" + i + "]");
                    }
                }
            }
        }
    }

    private static void tlsBlock(ConfigMap parent, String prefix, Path base, List<FileReference> files)
            throws ConfigException {
        for (Entry tls : parent.getIgnoreCase("tls")) {
            if (!(tls.value() instanceof ConfigMap map)) {
                continue;
            }
            String tlsPath = (prefix.isEmpty() ? "" : prefix + ".") + tls.key();
            for (Entry entry : map.entries().values()) {
                FileReference.Kind kind = switch (Lexer.goLower(entry.key())) {
                    case "cert_file" -> FileReference.Kind.TLS_CERT;
                    case "key_file" -> FileReference.Kind.TLS_KEY;
                    case "ca_file" -> FileReference.Kind.TLS_CA;
                    default -> null;
                };
                if (kind != null) {
                    files.add(reference(kind, entry, tlsPath + "." + entry.key(), base));
                }
            }
        }
    }

    private static FileReference reference(FileReference.Kind kind, Entry entry, String key, Path base)
            throws ConfigException {
        if (!(entry.value() instanceof Text text)) {
            throw new ConfigException(
                    entry.value().origin(),
                    "'" + key + "' must be a file name (a string), found a "
                            + entry.value().kind());
        }
        return new FileReference(kind, resolve(base, text.value(), text.origin()), key, text.origin());
    }

    static Path resolve(Path base, String name, Origin origin) throws ConfigException {
        try {
            return base.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw new ConfigException(origin, "'" + name + "' is not a valid path");
        }
    }

    /** nats-server accepts an operator JWT inline as well as a file; JWTs start with this. */
    private static final String JWT_PREFIX = "eyJ";

    private static boolean collectOperators(ConfigMap root, Path base, List<FileReference> files)
            throws ConfigException {
        boolean operatorMode = false;
        for (String key : List.of("operator", "operators", "roots", "root", "root_operators", "root_operator")) {
            for (Entry entry : root.getIgnoreCase(key)) {
                if (!(entry.value() instanceof Text text)) {
                    // 2.9.10 rejects an array here too ("unsupported type []interface {}").
                    throw new ConfigException(
                            entry.value().origin(),
                            "'" + entry.key() + "' must be one operator JWT file name (a string), found a "
                                    + entry.value().kind());
                }
                operatorMode = true;
                if (!text.value().startsWith(JWT_PREFIX)) {
                    files.add(new FileReference(
                            FileReference.Kind.OPERATOR_JWT,
                            resolve(base, text.value(), text.origin()),
                            entry.key(),
                            text.origin()));
                }
            }
        }
        return operatorMode;
    }

    private static final Pattern MEMORY_RESOLVER = Pattern.compile("(?i)(MEM|MEMORY)\\s*");
    private static final Pattern URL_RESOLVER = Pattern.compile("(?i)(?:URL)(?:\\(\\s*\"?([^\\s\"]*)\"?\\s*\\))?\\s*");

    private static Optional<Resolver> resolver(ConfigMap root, Path base, List<FileReference> files)
            throws ConfigException {
        Optional<Resolver> found = Optional.empty();
        for (String key : List.of("resolver", "account_resolver", "accounts_resolver")) {
            for (Entry entry : root.getIgnoreCase(key)) {
                switch (entry.value()) {
                    case Text text -> {
                        // Go's regexp.MatchString finds a match anywhere in the value.
                        if (MEMORY_RESOLVER.matcher(text.value()).find()) {
                            found = Optional.of(new Resolver(Resolver.Type.MEMORY, Optional.empty(), text.origin()));
                        } else if (URL_RESOLVER.matcher(text.value()).find()) {
                            found = Optional.of(new Resolver(Resolver.Type.URL, Optional.empty(), text.origin()));
                        }
                    }
                    case ConfigMap map -> {
                        // nats-server reads 'dir' and 'type' from the resolver map with exact case.
                        String dirName = stringIn(map, "dir", entry.key());
                        String type = stringIn(map, "type", entry.key());
                        if (dirName.isEmpty()) {
                            throw new ConfigException(
                                    map.origin(), "'" + entry.key() + ".dir' has no value and must name a directory");
                        }
                        Origin dirOrigin = map.get("dir").orElseThrow().origin();
                        Path dir = resolve(base, dirName, dirOrigin);
                        files.add(new FileReference(
                                FileReference.Kind.RESOLVER_DIR, dir, entry.key() + ".dir", dirOrigin));
                        switch (type.toUpperCase(java.util.Locale.ROOT)) {
                            case "FULL" ->
                                found = Optional.of(new Resolver(Resolver.Type.FULL, Optional.of(dir), map.origin()));
                            case "CACHE" ->
                                found = Optional.of(new Resolver(Resolver.Type.CACHE, Optional.of(dir), map.origin()));
                            default -> found = Optional.empty();
                        }
                    }
                    default ->
                        throw new ConfigException(
                                entry.value().origin(),
                                "'" + entry.key() + "' must be 'MEMORY', 'URL(...)' or a map, found a "
                                        + entry.value().kind());
                }
            }
        }
        return found;
    }

    private static String stringIn(ConfigMap map, String key, String parent) throws ConfigException {
        Optional<ConfigValue> value = map.get(key);
        if (value.isEmpty()) {
            return "";
        }
        if (value.get() instanceof Text text) {
            return text.value();
        }
        throw new ConfigException(
                value.get().origin(),
                "'" + parent + "." + key + "' must be a string, found a "
                        + value.get().kind());
    }
}
