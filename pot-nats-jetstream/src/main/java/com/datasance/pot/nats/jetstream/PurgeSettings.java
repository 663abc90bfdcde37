package com.datasance.pot.nats.jetstream;

import io.nats.client.NKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one reconciliation pass needs, as values (the launcher reads them from its
 * environment and the server config; other tools build them directly).
 *
 * @param storeDir the JetStream {@code store_dir} as configured; accounts with data are the
 *     direct sub-directories of {@code <storeDir>/jetstream}
 * @param operatorMode true when the server config runs in operator mode
 * @param resolverDir the directory of a {@code full} resolver; empty for static accounts, a memory
 *     or a {@code cache} resolver, in which case reconciliation does nothing (a cache resolver
 *     deletes JWT files by itself, TTL and {@code limit}: its directory does not say which accounts exist)
 * @param systemAccount the system account's public key; never purged
 * @param clientUrl where to connect ({@code nats://} or {@code tls://})
 * @param credsFile the system user's creds; empty means plan and log only, send nothing
 * @param caFile a PEM CA bundle to trust for {@code tls://} URLs; empty means the JVM's default trust
 * @param requestTimeout per request; at least 5 s (nats-server 2.9.10 takes about 2 s to purge an
 *     account it has not loaded)
 * @param readyTimeout overall deadline for the server to accept a connection
 * @param requestAttempts how often a failed or unanswered request is sent before the account is
 *     reported as failed
 * @param grace how long an account's JWT must have been absent, continuously, before its data is
 *     purged; counted from the first pass of a {@link JetStreamReconciler} that saw it absent.
 *     {@link Duration#ZERO} purges at once.
 */
public record PurgeSettings(
        Path storeDir,
        boolean operatorMode,
        Optional<Path> resolverDir,
        Optional<String> systemAccount,
        String clientUrl,
        Optional<Path> credsFile,
        Optional<Path> caFile,
        Duration requestTimeout,
        Duration readyTimeout,
        int requestAttempts,
        Duration grace) {

    public static final Duration MIN_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_REQUEST_ATTEMPTS = 3;
    /** A JWT missing for less than this (a mount rotating, a file moved and back) never costs data. */
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(5);

    public PurgeSettings {
        Objects.requireNonNull(storeDir, "storeDir");
        Objects.requireNonNull(resolverDir, "resolverDir");
        Objects.requireNonNull(systemAccount, "systemAccount");
        Objects.requireNonNull(clientUrl, "clientUrl");
        Objects.requireNonNull(credsFile, "credsFile");
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(readyTimeout, "readyTimeout");
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace '" + grace + "' must not be negative");
        }
        systemAccount.ifPresent(key -> {
            if (!NKey.isValidPublicAccountKey(key.toCharArray())) {
                throw new IllegalArgumentException("system account '" + key + "' is not a valid account public key");
            }
        });
        if (requestTimeout.compareTo(MIN_REQUEST_TIMEOUT) < 0) {
            throw new IllegalArgumentException(
                    "request timeout '" + requestTimeout + "' is below the minimum '" + MIN_REQUEST_TIMEOUT + "'");
        }
        if (readyTimeout.isNegative() || readyTimeout.isZero()) {
            throw new IllegalArgumentException("ready timeout '" + readyTimeout + "' must be positive");
        }
        if (requestAttempts < 1) {
            throw new IllegalArgumentException("request attempts '" + requestAttempts + "' must be at least 1");
        }
        if (!clientUrl.matches("(nats|tls)://.+")) {
            throw new IllegalArgumentException("client URL '" + clientUrl + "' must start with 'nats://' or 'tls://'");
        }
    }

    /** Operator mode with a resolver directory, no creds (plan only), default timeouts. */
    public static PurgeSettings operatorMode(Path storeDir, Path resolverDir, String systemAccount, String clientUrl) {
        return new PurgeSettings(
                storeDir,
                true,
                Optional.of(resolverDir),
                Optional.of(systemAccount),
                clientUrl,
                Optional.empty(),
                Optional.empty(),
                DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_READY_TIMEOUT,
                DEFAULT_REQUEST_ATTEMPTS,
                DEFAULT_GRACE);
    }

    /** A config without a resolver directory (static accounts, memory resolver): nothing is ever purged. */
    public static PurgeSettings withoutResolver(Path storeDir, String clientUrl) {
        return new PurgeSettings(
                storeDir,
                false,
                Optional.empty(),
                Optional.empty(),
                clientUrl,
                Optional.empty(),
                Optional.empty(),
                DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_READY_TIMEOUT,
                DEFAULT_REQUEST_ATTEMPTS,
                DEFAULT_GRACE);
    }

    public PurgeSettings withCredsFile(Path creds) {
        return new PurgeSettings(
                storeDir,
                operatorMode,
                resolverDir,
                systemAccount,
                clientUrl,
                Optional.of(creds),
                caFile,
                requestTimeout,
                readyTimeout,
                requestAttempts,
                grace);
    }

    public PurgeSettings withCaFile(Path ca) {
        return new PurgeSettings(
                storeDir,
                operatorMode,
                resolverDir,
                systemAccount,
                clientUrl,
                credsFile,
                Optional.of(ca),
                requestTimeout,
                readyTimeout,
                requestAttempts,
                grace);
    }

    public PurgeSettings withClientUrl(String url) {
        return new PurgeSettings(
                storeDir,
                operatorMode,
                resolverDir,
                systemAccount,
                url,
                credsFile,
                caFile,
                requestTimeout,
                readyTimeout,
                requestAttempts,
                grace);
    }

    public PurgeSettings withTimeouts(Duration request, Duration ready, int attempts) {
        return new PurgeSettings(
                storeDir,
                operatorMode,
                resolverDir,
                systemAccount,
                clientUrl,
                credsFile,
                caFile,
                request,
                ready,
                attempts,
                grace);
    }

    public PurgeSettings withGrace(Duration newGrace) {
        return new PurgeSettings(
                storeDir,
                operatorMode,
                resolverDir,
                systemAccount,
                clientUrl,
                credsFile,
                caFile,
                requestTimeout,
                readyTimeout,
                requestAttempts,
                newGrace);
    }

    /** {@code <storeDir>/jetstream}, the parent of the per-account directories. */
    public Path accountsDir() {
        return storeDir.resolve("jetstream");
    }
}
