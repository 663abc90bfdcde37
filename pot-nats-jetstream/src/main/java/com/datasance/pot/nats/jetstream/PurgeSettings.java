package com.datasance.pot.nats.jetstream;

import com.datasance.pot.nats.api.SafeText;
import com.datasance.pot.nats.api.ServerFacts;
import io.nats.client.Connection;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything one reconciliation pass needs, as values. Made by {@link #builder()}: from a server
 * config's facts ({@link Builder#server(ServerFacts)}), or field by field. Immutable and
 * thread-safe; {@link #toBuilder()} starts a changed copy.
 *
 * <p>Requests are sent only when the settings say how to sign in: a {@linkplain #credsFile() creds
 * file}, or a {@linkplain #connection() connection hook} (in-memory creds, an auth handler, a
 * connection factory). Without either a pass plans and logs, and sends nothing.
 */
public final class PurgeSettings {

    /** nats-server 2.9.10 takes about 2 s to purge an account it has not loaded. */
    public static final Duration MIN_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    /** Per request, unless {@link Builder#requestTimeout} says otherwise. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** Overall deadline for the server to accept a connection. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);

    /** How often a failed or unanswered request is sent before the account is reported failed. */
    public static final int DEFAULT_REQUEST_ATTEMPTS = 3;

    /** A JWT missing for less than this (a mount rotating, a file moved and back) never costs data. */
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(5);

    private final Optional<Path> storeDir;
    private final boolean operatorMode;
    private final Optional<Path> resolverDir;
    private final Optional<String> systemAccount;
    private final String clientUrl;
    private final Optional<Path> credsFile;
    private final Optional<Path> caFile;
    private final Duration requestTimeout;
    private final Duration readyTimeout;
    private final int requestAttempts;
    private final Duration grace;
    private final Optional<ConnectionHook> connection;

    private PurgeSettings(Builder b) {
        storeDir = b.storeDir;
        operatorMode = b.operatorMode;
        resolverDir = b.resolverDir;
        systemAccount = b.systemAccount;
        clientUrl = b.clientUrl;
        credsFile = b.credsFile;
        caFile = b.caFile;
        requestTimeout = b.requestTimeout;
        readyTimeout = b.readyTimeout;
        requestAttempts = b.requestAttempts;
        grace = b.grace;
        connection = b.connection;
    }

    /**
     * A builder with the defaults: no store, no resolver (nothing is ever purged until {@link
     * Builder#server} or {@link Builder#resolverDir} says otherwise), {@code nats://127.0.0.1:4222},
     * default timeouts and grace.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these settings.
     *
     * @return a new builder with every field of this
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.storeDir = storeDir;
        b.operatorMode = operatorMode;
        b.resolverDir = resolverDir;
        b.systemAccount = systemAccount;
        b.clientUrl = clientUrl;
        b.credsFile = credsFile;
        b.caFile = caFile;
        b.requestTimeout = requestTimeout;
        b.readyTimeout = readyTimeout;
        b.requestAttempts = requestAttempts;
        b.grace = grace;
        b.connection = connection;
        return b;
    }

    /**
     * The JetStream {@code store_dir} as configured (the parent of {@code jetstream/}).
     *
     * @return the store directory; empty when JetStream is off (only the claims push can run)
     */
    public Optional<Path> storeDir() {
        return storeDir;
    }

    /**
     * Whether the server runs in operator mode; set by {@link Builder#server} or {@link
     * Builder#resolverDir}, never by hand.
     *
     * @return true in operator mode with a resolver directory
     */
    public boolean operatorMode() {
        return operatorMode;
    }

    /**
     * The directory of a {@code full} resolver: the accounts that exist.
     *
     * @return the directory; empty when there is none to reconcile against
     */
    public Optional<Path> resolverDir() {
        return resolverDir;
    }

    /**
     * The system account's public key, never purged.
     *
     * @return the key, from the config, the operator JWT or the creds
     */
    public Optional<String> systemAccount() {
        return systemAccount;
    }

    /**
     * Where to connect.
     *
     * @return a {@code nats://} or {@code tls://} URL
     */
    public String clientUrl() {
        return clientUrl;
    }

    /**
     * The system user's creds file.
     *
     * @return the file; empty without one
     */
    public Optional<Path> credsFile() {
        return credsFile;
    }

    /**
     * A PEM CA bundle to trust for {@code tls://} URLs.
     *
     * @return the file; empty means the JVM's default trust
     */
    public Optional<Path> caFile() {
        return caFile;
    }

    /**
     * The timeout of each request.
     *
     * @return at least {@link #MIN_REQUEST_TIMEOUT}
     */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * Overall deadline for the server to accept a connection.
     *
     * @return a positive duration
     */
    public Duration readyTimeout() {
        return readyTimeout;
    }

    /**
     * How often a failed request is sent before the account is reported failed.
     *
     * @return at least 1
     */
    public int requestAttempts() {
        return requestAttempts;
    }

    /**
     * How long an account's JWT must have been absent, continuously, before its data is purged;
     * counted from the first pass of a {@link JetStreamReconciler} that saw it absent.
     *
     * @return zero or more; {@link Duration#ZERO} purges at once
     */
    public Duration grace() {
        return grace;
    }

    /**
     * The caller's connection hook.
     *
     * @return the hook; empty for the creds-file path
     */
    public Optional<ConnectionHook> connection() {
        return connection;
    }

    /**
     * Whether a pass sends requests: a creds file or a connection hook says how to sign in.
     *
     * @return true when requests are sent
     */
    public boolean sends() {
        return credsFile.isPresent() || connection.isPresent();
    }

    /**
     * {@code <storeDir>/jetstream}, the parent of the per-account directories.
     *
     * @return the directory; empty when JetStream is off
     */
    public Optional<Path> accountsDir() {
        return storeDir.map(dir -> dir.resolve("jetstream"));
    }

    @Override
    public String toString() {
        return "PurgeSettings[storeDir=" + storeDir + ", resolverDir=" + resolverDir + ", systemAccount="
                + systemAccount + ", clientUrl=" + SafeText.redactUrl(clientUrl) + ", credsFile=" + credsFile
                + ", grace=" + grace + "]";
    }

    /**
     * How the caller shapes the connection: extra jnats {@link Options} (a TLS context with a
     * client certificate, an auth handler with in-memory creds, ...) applied after pot-nats' own,
     * and optionally the connect call itself. The creds file and CA file of the settings are
     * applied first when present, so a hook may override them.
     *
     * @param options applied to the options builder before each connect attempt
     * @param factory makes the connection from the options; {@link #DEFAULT_FACTORY} is {@code
     *     Nats.connect}
     */
    public record ConnectionHook(Consumer<Options.Builder> options, ConnectionFactory factory) {

        /** {@code Nats.connect(options)}. */
        public static final ConnectionFactory DEFAULT_FACTORY = io.nats.client.Nats::connect;

        /**
         * Checks the components.
         *
         * @throws NullPointerException when one is null
         */
        public ConnectionHook {
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(factory, "factory");
        }

        /**
         * A hook that only adds options.
         *
         * @param options applied to the options builder
         * @return the hook
         */
        public static ConnectionHook options(Consumer<Options.Builder> options) {
            return new ConnectionHook(options, DEFAULT_FACTORY);
        }
    }

    /** Makes a jnats connection from options (a caller's pool, a test double, a custom connect). */
    @FunctionalInterface
    public interface ConnectionFactory {
        /**
         * Connects.
         *
         * @param options pot-nats' options with the caller's applied
         * @return an open connection, which the pass closes
         * @throws IOException when the connection cannot be made
         * @throws InterruptedException when interrupted while connecting
         */
        Connection connect(Options options) throws IOException, InterruptedException;
    }

    /**
     * Builds {@link PurgeSettings}. Not thread-safe. Setters take values as given; {@link
     * #build()} checks them and says what is wrong, with the value and what was expected.
     */
    public static final class Builder {
        private Optional<Path> storeDir = Optional.empty();
        private boolean operatorMode;
        private Optional<Path> resolverDir = Optional.empty();
        private Optional<String> systemAccount = Optional.empty();
        private String systemAccountSource = "";
        private String clientUrl = "nats://127.0.0.1:4222";
        private Optional<Path> credsFile = Optional.empty();
        private Optional<Path> caFile = Optional.empty();
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
        private int requestAttempts = DEFAULT_REQUEST_ATTEMPTS;
        private Duration grace = DEFAULT_GRACE;
        private Optional<ConnectionHook> connection = Optional.empty();
        private Optional<PurgeSetup.Off> off = Optional.empty();

        private Builder() {}

        /**
         * Takes what the server config says: operator mode and a {@code full} resolver's directory
         * (anything else turns reconciliation off, see {@link #setup()}), the store directory, and
         * the system account ({@code system_account}, else the operator JWT's {@code
         * nats.system_account}; else, at {@link #build()}, the creds' account).
         *
         * @param facts from {@code NatsConfigReader.readServerFacts(file, env)}
         * @return this builder
         */
        public Builder server(ServerFacts facts) {
            Objects.requireNonNull(facts, "facts");
            String conf = "config " + SafeText.quote(facts.source());
            off = Optional.empty();
            storeDir = facts.storeDir();
            operatorMode = false;
            resolverDir = Optional.empty();
            if (facts.storeDir().isEmpty()) {
                off = Optional.of(
                        new PurgeSetup.Off(PurgeSetup.OffReason.JETSTREAM_OFF, conf + " does not enable JetStream"));
            }
            if (!facts.operatorMode()) {
                off = Optional.of(new PurgeSetup.Off(
                        PurgeSetup.OffReason.NOT_OPERATOR_MODE,
                        conf + " does not run in operator mode (no 'operator'); static accounts have no resolver"));
                return this;
            }
            if (facts.resolverDir().isEmpty()) {
                off = Optional.of(new PurgeSetup.Off(
                        PurgeSetup.OffReason.NO_RESOLVER_DIR,
                        conf + " has no resolver with a directory (resolver type '"
                                + facts.resolver().name().toLowerCase(java.util.Locale.ROOT) + "')"));
                return this;
            }
            // Rule 0: only a full resolver's directory says which accounts exist; a cache resolver
            // deletes JWT files by itself (TTL, 'limit'), and each deletion would look like an
            // account leaving.
            if (facts.resolver() != ServerFacts.ResolverType.FULL) {
                off = Optional.of(new PurgeSetup.Off(
                        PurgeSetup.OffReason.NOT_FULL_RESOLVER,
                        conf + " uses a '" + facts.resolver().name().toLowerCase(java.util.Locale.ROOT) + "' resolver"
                                + facts.resolverOrigin()
                                        .map(o -> " (" + o + ")")
                                        .orElse("")
                                + "; only a 'full' resolver's directory says which accounts exist"));
                return this;
            }
            operatorMode = true;
            resolverDir = facts.resolverDir();
            if (facts.systemAccount().isPresent()) {
                systemAccount = facts.systemAccount();
                systemAccountSource = conf + " 'system_account'";
            } else {
                for (Path jwt : facts.operatorJwtFiles()) {
                    Optional<String> fromOperator = Jwts.operatorSystemAccount(jwt);
                    if (fromOperator.isPresent()) {
                        systemAccount = fromOperator;
                        systemAccountSource = "operator JWT " + SafeText.quote(jwt.toString());
                        break;
                    }
                }
            }
            return this;
        }

        /**
         * Overrides the store directory (the JetStream {@code store_dir} as configured, not {@code
         * /varz}'s, which already ends in {@code jetstream}).
         *
         * @param dir the store directory
         * @return this builder
         */
        public Builder storeDir(Path dir) {
            storeDir = Optional.of(dir);
            if (off.filter(o -> o.reason() == PurgeSetup.OffReason.JETSTREAM_OFF)
                    .isPresent()) {
                off = Optional.empty();
            }
            return this;
        }

        /**
         * The directory of the server's {@code full} resolver; puts the settings in operator mode.
         *
         * @param dir the resolver directory
         * @return this builder
         */
        public Builder resolverDir(Path dir) {
            resolverDir = Optional.of(dir);
            operatorMode = true;
            return this;
        }

        /**
         * The system account's public key, when neither the config nor the operator JWT names it.
         *
         * @param key an account public key
         * @return this builder
         */
        public Builder systemAccount(String key) {
            systemAccount = Optional.of(key);
            systemAccountSource = "the given system account";
            return this;
        }

        /**
         * Where to connect.
         *
         * @param url {@code nats://} or {@code tls://}
         * @return this builder
         */
        public Builder clientUrl(String url) {
            clientUrl = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * The system user's creds file (the easy path; see {@link #connection} for others).
         *
         * @param creds the creds file
         * @return this builder
         */
        public Builder credsFile(Path creds) {
            credsFile = Optional.of(creds);
            return this;
        }

        /**
         * A PEM CA bundle to trust for {@code tls://}.
         *
         * @param ca the CA file
         * @return this builder
         */
        public Builder caFile(Path ca) {
            caFile = Optional.of(ca);
            return this;
        }

        /**
         * The per-request timeout.
         *
         * @param timeout at least {@link #MIN_REQUEST_TIMEOUT}
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * The overall connect deadline.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder readyTimeout(Duration timeout) {
            readyTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * How often a failed request is sent.
         *
         * @param attempts at least 1
         * @return this builder
         */
        public Builder requestAttempts(int attempts) {
            requestAttempts = attempts;
            return this;
        }

        /**
         * The grace period.
         *
         * @param duration zero or more
         * @return this builder
         */
        public Builder grace(Duration duration) {
            grace = Objects.requireNonNull(duration, "duration");
            return this;
        }

        /**
         * Shapes the connection (options, or the connect call); with a hook, requests are sent
         * even without a creds file.
         *
         * @param hook the caller's hook
         * @return this builder
         */
        public Builder connection(ConnectionHook hook) {
            connection = Optional.of(hook);
            return this;
        }

        /**
         * What reconciliation can do with these settings, by type: {@link PurgeSetup.Ready},
         * {@link PurgeSetup.ClaimsOnly} (JetStream off), or {@link PurgeSetup.Off} with why.
         *
         * @return the setup
         * @throws ReconcileException when a value is wrong (see {@link #build()})
         */
        public PurgeSetup setup() throws ReconcileException {
            if (off.isPresent() && off.get().reason() != PurgeSetup.OffReason.JETSTREAM_OFF) {
                return off.get();
            }
            PurgeSettings settings = check();
            if (settings.systemAccount().isEmpty() && settings.operatorMode()) {
                return new PurgeSetup.Off(
                        PurgeSetup.OffReason.NO_SYSTEM_ACCOUNT,
                        "no system account: the config names no 'system_account', the operator JWT none, and no"
                                + " creds file says one; the purge never runs without knowing it");
            }
            return off.isPresent()
                    ? new PurgeSetup.ClaimsOnly(settings, off.get().why())
                    : new PurgeSetup.Ready(settings);
        }

        /**
         * The settings, checked.
         *
         * @return the settings
         * @throws ReconcileException when reconciliation cannot run here (not operator mode, a
         *     cache resolver, no system account: the message says which), or a value is wrong: a
         *     system account that is not an account public key, creds of another account than the
         *     system account, a URL that is not {@code nats://} or {@code tls://}, a timeout out of
         *     range; the message names the value and what was expected
         */
        public PurgeSettings build() throws ReconcileException {
            return switch (setup()) {
                case PurgeSetup.Ready ready -> ready.settings();
                case PurgeSetup.ClaimsOnly claims -> claims.settings();
                case PurgeSetup.Off o -> throw new ReconcileException("JetStream purge cannot run: " + o.why());
            };
        }

        private PurgeSettings check() throws ReconcileException {
            if (grace.isNegative()) {
                throw new ReconcileException("grace " + SafeText.duration(grace) + " must not be negative");
            }
            if (requestTimeout.compareTo(MIN_REQUEST_TIMEOUT) < 0) {
                throw new ReconcileException("request timeout " + SafeText.duration(requestTimeout)
                        + " is below the minimum " + SafeText.duration(MIN_REQUEST_TIMEOUT));
            }
            if (readyTimeout.isNegative() || readyTimeout.isZero()) {
                throw new ReconcileException("ready timeout " + SafeText.duration(readyTimeout) + " must be positive");
            }
            if (requestAttempts < 1) {
                throw new ReconcileException("request attempts '" + requestAttempts + "' must be at least 1");
            }
            if (!clientUrl.matches("(nats|tls)://.+")) {
                throw new ReconcileException("client URL " + "'" + SafeText.redactUrl(clientUrl) + "'"
                        + " must start with 'nats://' or 'tls://'");
            }
            if (systemAccount.isPresent() && !PurgePlan.isAccountKey(systemAccount.get())) {
                throw new ReconcileException("system account " + SafeText.quote(systemAccount.get()) + " (from "
                        + systemAccountSource + ") is not an account public key; expected 56 characters"
                        + " starting with 'A' (base32, valid checksum), as 'nsc list keys' prints them");
            }
            Optional<String> credsAccount = Optional.empty();
            if (credsFile.isPresent()) {
                credsAccount = Jwts.credsAccount(credsFile.get());
            }
            if (systemAccount.isPresent()
                    && credsAccount.isPresent()
                    && !credsAccount.get().equals(systemAccount.get())) {
                throw new ReconcileException(
                        "creds " + SafeText.quote(credsFile.get().toString())
                                + " are a user of account " + SafeText.quote(credsAccount.get())
                                + ", expected the system account " + SafeText.quote(systemAccount.get()) + " (from "
                                + systemAccountSource + "); a purge must be sent by the system account's user");
            }
            if (systemAccount.isEmpty() && credsAccount.isPresent()) {
                // The connection check still proves it: only the system account has responders
                // on $SYS.REQ.SERVER.PING.
                systemAccount = credsAccount;
                systemAccountSource = "creds " + SafeText.quote(credsFile.get().toString());
            }
            return new PurgeSettings(this);
        }
    }
}
