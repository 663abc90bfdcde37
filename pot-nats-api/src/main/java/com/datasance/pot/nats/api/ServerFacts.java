package com.datasance.pot.nats.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a nats-server config says about accounts and JetStream, as plain values: the facts the
 * config module reads and the purge module acts on, so that neither depends on the other (a tool
 * reads them with {@code NatsConfigReader.readServerFacts} and hands them to {@code
 * PurgeSettings.builder().server(facts)}). Paths are absolute, resolved as nats-server resolves
 * them. Immutable.
 *
 * @param configFile the config file; empty for in-memory input
 * @param operatorMode true when the config names a trusted operator ({@code operator} and aliases)
 * @param operatorJwtFiles the operator JWT files the config names (an inline operator JWT is not
 *     listed); the system account may be read from their {@code nats.system_account}
 * @param systemAccount {@code system_account} as written in the config
 * @param resolver the account JWT resolver's type, {@link ResolverType#NONE} without one
 * @param resolverDir the resolver's directory, for {@code full} and {@code cache} resolvers
 * @param resolverOrigin where the resolver is configured, when it is
 * @param storeDir the JetStream store directory (the parent of {@code jetstream/}); empty when
 *     the config does not enable JetStream
 */
public record ServerFacts(
        Optional<Path> configFile,
        boolean operatorMode,
        List<Path> operatorJwtFiles,
        Optional<String> systemAccount,
        ResolverType resolver,
        Optional<Path> resolverDir,
        Optional<Origin> resolverOrigin,
        Optional<Path> storeDir) {

    /** The account JWT resolver types of nats-server's {@code resolver} setting. */
    public enum ResolverType {
        /** No resolver: static accounts, or no accounts at all. */
        NONE,
        /** {@code MEMORY}: JWTs listed in the config. */
        MEMORY,
        /** {@code URL(...)}: JWTs fetched from an account server. */
        URL,
        /** {@code type: full}: a directory holding every account JWT. */
        FULL,
        /** {@code type: cache}: a directory that caches JWTs and deletes them by itself. */
        CACHE
    }

    /**
     * Checks that no component is null and that the paths are absolute.
     *
     * @throws NullPointerException when a component is null
     * @throws IllegalArgumentException when a path is relative
     */
    public ServerFacts {
        Objects.requireNonNull(configFile, "configFile");
        operatorJwtFiles = List.copyOf(operatorJwtFiles);
        Objects.requireNonNull(systemAccount, "systemAccount");
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(resolverDir, "resolverDir");
        Objects.requireNonNull(resolverOrigin, "resolverOrigin");
        Objects.requireNonNull(storeDir, "storeDir");
        for (Path path : operatorJwtFiles) {
            requireAbsolute(path, "operator JWT file");
        }
        resolverDir.ifPresent(path -> requireAbsolute(path, "resolver dir"));
        storeDir.ifPresent(path -> requireAbsolute(path, "store dir"));
    }

    /**
     * The name used in messages: the config file, or {@code <string>} for in-memory input.
     *
     * @return the config file's path, or {@value Origin#IN_MEMORY}
     */
    public String source() {
        return configFile.map(Path::toString).orElse(Origin.IN_MEMORY);
    }

    private static void requireAbsolute(Path path, String what) {
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException(what + " '" + path + "' must be absolute");
        }
    }
}
