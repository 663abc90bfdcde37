package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.SafeText;
import com.datasance.pot.nats.watch.ContentWatcher;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The environment contract of DESIGN.md, read once at start. Immutable; paths are absolute.
 *
 * <p>An empty variable counts as unset (a templated manifest often renders a missing value as
 * {@code ""}). Every other bad value is rejected with a {@link UsageException} naming the
 * variable, the value and what is accepted; nothing falls back to a default silently.
 *
 * @param conf NATS_CONF, the server config passed as {@code -c}
 * @param accounts NATS_ACCOUNTS, the account config
 * @param sslDir NATS_SSL_DIR, TLS material
 * @param jwtDir NATS_JWT_DIR, the JWT resolver directory
 * @param credsDir NATS_CREDS_DIR, creds files
 * @param serverBin NATS_SERVER_BIN; empty means: the default path, then PATH, then /usr/sbin
 * @param monitorPort NATS_MONITOR_PORT; empty when 0 (no {@code -m})
 * @param sysUserCreds NATS_SYS_USER_CRED_PATH, resolved against {@code credsDir}
 * @param clientUrl NATS_CLIENT_URL, where the wrapper connects for the purge API
 * @param jetStreamStoreDir NATS_JETSTREAM_STORE_DIR, resolved against the config file's directory
 * @param jwtMountDir NATS_JWT_MOUNT_DIR, a read-only mount mirrored into {@code jwtDir}
 * @param mode NATS_SERVER_MODE
 * @param reloadDebounce NATS_RELOAD_DEBOUNCE
 * @param configWait NATS_CONFIG_WAIT, how long to wait for {@code conf} to appear
 * @param shutdownTimeout NATS_SHUTDOWN_TIMEOUT, graceful stop budget before SIGKILL
 * @param lameDuck NATS_LAME_DUCK, lame duck mode before the stop
 * @param restartOnAccountRemoval NATS_RESTART_ON_ACCOUNT_REMOVAL
 * @param restartOnUnreloadable NATS_RESTART_ON_UNRELOADABLE: a config change nats-server cannot
 *     reload (e.g. {@code port}) restarts it gracefully instead of being only reported
 * @param purgeGrace NATS_PURGE_GRACE, how long an account's JWT must be absent before its data is
 *     purged ({@code 0}: at once)
 * @param debug POT_NATS_DEBUG, the wrapper's debug log lines
 */
public record LauncherSettings(
        Path conf,
        Path accounts,
        Path sslDir,
        Path jwtDir,
        Path credsDir,
        Optional<Path> serverBin,
        OptionalInt monitorPort,
        Optional<Path> sysUserCreds,
        URI clientUrl,
        Optional<Path> jetStreamStoreDir,
        Optional<Path> jwtMountDir,
        ServerMode mode,
        Duration reloadDebounce,
        Duration configWait,
        Duration shutdownTimeout,
        boolean lameDuck,
        boolean restartOnAccountRemoval,
        boolean restartOnUnreloadable,
        Duration purgeGrace,
        boolean debug) {

    /** The image's nats-server, tried first when NATS_SERVER_BIN is unset. */
    public static final Path DEFAULT_SERVER_BIN = Path.of("/home/runner/bin/nats-server");

    static final String DEFAULT_CONF = "/etc/nats/config/server.conf";
    static final String DEFAULT_ACCOUNTS = "/etc/nats/config/accounts.conf";
    static final String DEFAULT_SSL_DIR = "/etc/nats/certs";
    static final String DEFAULT_JWT_DIR = "/etc/nats/jwt";
    static final String DEFAULT_CREDS_DIR = "/etc/nats/creds/";
    static final int DEFAULT_MONITOR_PORT = 8222;
    static final String DEFAULT_CLIENT_URL = "nats://127.0.0.1:4222";
    static final Duration DEFAULT_PURGE_GRACE = Duration.ofMinutes(5);

    /**
     * The longest NATS_RELOAD_DEBOUNCE: the watcher's bound (an hour without a reload is no
     * debounce; longer ones overflowed the watcher's deadline arithmetic and were never applied).
     */
    static final Duration MAX_RELOAD_DEBOUNCE = ContentWatcher.MAX_QUIET_PERIOD;

    /** The longest NATS_CONFIG_WAIT and NATS_SHUTDOWN_TIMEOUT: a day, far from any overflow. */
    static final Duration MAX_WAIT = Duration.ofHours(24);

    /** The longest NATS_PURGE_GRACE: 30 days, far from any overflow of the due-time arithmetic. */
    static final Duration MAX_PURGE_GRACE = Duration.ofDays(30);

    private static final Set<String> URL_SCHEMES = Set.of("nats", "tls");
    /** The highest TCP port. */
    private static final int MAX_PORT = 65_535;

    public LauncherSettings {
        Objects.requireNonNull(conf, "conf");
        Objects.requireNonNull(accounts, "accounts");
        Objects.requireNonNull(sslDir, "sslDir");
        Objects.requireNonNull(jwtDir, "jwtDir");
        Objects.requireNonNull(credsDir, "credsDir");
        Objects.requireNonNull(serverBin, "serverBin");
        Objects.requireNonNull(monitorPort, "monitorPort");
        Objects.requireNonNull(sysUserCreds, "sysUserCreds");
        Objects.requireNonNull(clientUrl, "clientUrl");
        Objects.requireNonNull(jetStreamStoreDir, "jetStreamStoreDir");
        Objects.requireNonNull(jwtMountDir, "jwtMountDir");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(reloadDebounce, "reloadDebounce");
        Objects.requireNonNull(configWait, "configWait");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(purgeGrace, "purgeGrace");
    }

    /**
     * Reads the settings from {@code env} (in production, {@code System.getenv()}). Relative paths
     * resolve against the working directory, except NATS_SYS_USER_CRED_PATH (against
     * NATS_CREDS_DIR) and NATS_JETSTREAM_STORE_DIR (against NATS_CONF's directory).
     *
     * @throws UsageException for the first bad value, in the order of the table in README.md
     */
    public static LauncherSettings fromEnvironment(Map<String, String> env) throws UsageException {
        Reader read = new Reader(env);
        Path conf = read.path("NATS_CONF", DEFAULT_CONF);
        Path accounts = read.path("NATS_ACCOUNTS", DEFAULT_ACCOUNTS);
        Path sslDir = read.path("NATS_SSL_DIR", DEFAULT_SSL_DIR);
        Path jwtDir = read.path("NATS_JWT_DIR", DEFAULT_JWT_DIR);
        Path credsDir = read.path("NATS_CREDS_DIR", DEFAULT_CREDS_DIR);
        Optional<Path> serverBin = read.optionalPath("NATS_SERVER_BIN", Path.of(""));
        int port = read.port("NATS_MONITOR_PORT", DEFAULT_MONITOR_PORT);
        Optional<Path> sysUserCreds = read.optionalPath("NATS_SYS_USER_CRED_PATH", credsDir);
        URI clientUrl = read.url("NATS_CLIENT_URL", DEFAULT_CLIENT_URL);
        Path confDir = conf.getParent() == null ? Path.of("/") : conf.getParent();
        Optional<Path> storeDir = read.optionalPath("NATS_JETSTREAM_STORE_DIR", confDir);
        Optional<Path> jwtMountDir = read.optionalPath("NATS_JWT_MOUNT_DIR", Path.of(""));
        if (jwtMountDir.isPresent()) {
            requireApart(jwtMountDir.get(), jwtDir);
        }
        ServerMode mode = read.mode("NATS_SERVER_MODE");
        Duration debounce = read.duration("NATS_RELOAD_DEBOUNCE", Duration.ofMillis(50), MAX_RELOAD_DEBOUNCE);
        Duration configWait = read.duration("NATS_CONFIG_WAIT", Duration.ofSeconds(30), MAX_WAIT);
        Duration shutdownTimeout = read.duration("NATS_SHUTDOWN_TIMEOUT", Duration.ofSeconds(30), MAX_WAIT);
        boolean lameDuck = read.bool("NATS_LAME_DUCK");
        boolean restart = read.bool("NATS_RESTART_ON_ACCOUNT_REMOVAL");
        boolean restartOnUnreloadable = read.bool("NATS_RESTART_ON_UNRELOADABLE");
        Duration purgeGrace = read.duration("NATS_PURGE_GRACE", DEFAULT_PURGE_GRACE, MAX_PURGE_GRACE);
        boolean debug = read.bool("POT_NATS_DEBUG");
        return new LauncherSettings(
                conf,
                accounts,
                sslDir,
                jwtDir,
                credsDir,
                serverBin,
                port == 0 ? OptionalInt.empty() : OptionalInt.of(port),
                sysUserCreds,
                clientUrl,
                storeDir,
                jwtMountDir,
                mode,
                debounce,
                configWait,
                shutdownTimeout,
                lameDuck,
                restart,
                restartOnUnreloadable,
                purgeGrace,
                debug);
    }

    /**
     * The mirror records what it copies into NATS_JWT_DIR and later removes it: with the mount
     * and the resolver directory the same, or one inside the other, the JWTs nats-server writes
     * (claims pushed by {@code nsc push}) would be taken for mirrored ones and deleted. Compared
     * as written (normalised, absolute) and as they really are (symlinks resolved up to the
     * nearest existing directory), so a symlinked spelling of the same directory is caught too.
     */
    static void requireApart(Path mountDir, Path jwtDir) throws UsageException {
        if (overlap(mountDir, jwtDir) || overlap(realPath(mountDir), realPath(jwtDir))) {
            throw new UsageException("bad value for NATS_JWT_MOUNT_DIR: " + SafeText.quote(mountDir.toString())
                    + " and NATS_JWT_DIR " + SafeText.quote(jwtDir.toString())
                    + " must be different directories, neither inside the other"
                    + " (the mirror would remove JWTs that nats-server wrote)");
        }
    }

    private static boolean overlap(Path a, Path b) {
        return a.startsWith(b) || b.startsWith(a);
    }

    /**
     * {@code path} with every symlink resolved: its nearest existing ancestor's real path, plus
     * the names below it that do not exist yet. An ancestor that cannot be resolved (no
     * permission) leaves the path as written: the comparison as written still applies.
     */
    private static Path realPath(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path)).normalize();
        } catch (IOException e) {
            return path;
        }
    }

    /** Reads one variable at a time; every failure names the variable, the value, what is accepted. */
    private record Reader(Map<String, String> env) {

        private Optional<String> value(String name) {
            String value = env.get(name);
            return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
        }

        /** The value escaped onto one line (a newline in it cannot split the message). */
        private static UsageException bad(String name, String value, String accepted) {
            return new UsageException(
                    "bad value for " + name + ": " + SafeText.quote(value) + "; expected " + accepted);
        }

        /** For values that may carry a secret: a URL's user info is never printed. */
        private static UsageException badUrl(String name, String value, String accepted) {
            return new UsageException(
                    "bad value for " + name + ": '" + SafeText.redactUrl(value) + "'; expected " + accepted);
        }

        Path path(String name, String defaultValue) throws UsageException {
            return optionalPath(name, Path.of("")).orElse(Path.of(defaultValue));
        }

        Optional<Path> optionalPath(String name, Path base) throws UsageException {
            Optional<String> value = value(name);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            String text = value.get();
            if (text.isBlank()) {
                throw bad(name, text, "a file system path");
            }
            try {
                return Optional.of(base.resolve(text).toAbsolutePath().normalize());
            } catch (InvalidPathException e) {
                throw bad(name, text, "a file system path (" + e.getReason() + ")");
            }
        }

        int port(String name, int defaultValue) throws UsageException {
            Optional<String> value = value(name);
            if (value.isEmpty()) {
                return defaultValue;
            }
            String accepted = "a port number 1..65535, or 0 to disable monitoring";
            String digits = value.get().strip();
            // ASCII digits only: Integer.parseInt also reads Arabic-Indic and other Unicode digits.
            if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw bad(name, value.get(), accepted);
            }
            try {
                int port = Integer.parseInt(digits);
                if (port < 0 || port > 65535) {
                    throw bad(name, value.get(), accepted);
                }
                return port;
            } catch (NumberFormatException e) {
                throw bad(name, value.get(), accepted);
            }
        }

        URI url(String name, String defaultValue) throws UsageException {
            String text = value(name).orElse(defaultValue).strip();
            String accepted = "a URL such as 'nats://127.0.0.1:4222' (schemes nats, tls, in lower case; port 1-65535)";
            try {
                URI url = new URI(text);
                // The purge connection takes the scheme as written: 'NATS://' would pass here and
                // fail at the first pass, so it is refused at start like any other bad value.
                if (url.getScheme() == null
                        || !URL_SCHEMES.contains(url.getScheme())
                        || url.getHost() == null
                        || url.getPort() == 0
                        || url.getPort() > MAX_PORT) {
                    throw badUrl(name, text, accepted);
                }
                return url;
            } catch (URISyntaxException e) {
                throw badUrl(name, text, accepted);
            }
        }

        ServerMode mode(String name) throws UsageException {
            Optional<String> value = value(name);
            if (value.isEmpty()) {
                return ServerMode.SERVER;
            }
            return ServerMode.parse(value.get()).orElseThrow(() -> bad(name, value.get(), ServerMode.accepted()));
        }

        Duration duration(String name, Duration defaultValue, Duration max) throws UsageException {
            Optional<String> value = value(name);
            if (value.isEmpty()) {
                return defaultValue;
            }
            Duration parsed;
            try {
                parsed = GoDuration.parse(value.get());
            } catch (GoDuration.TooLarge e) {
                throw bad(name, value.get(), "at most '" + GoDuration.format(max) + "'");
            } catch (IllegalArgumentException e) {
                throw bad(name, value.get(), "a non-negative " + GoDuration.ACCEPTED.substring(2));
            }
            if (parsed.compareTo(max) > 0) {
                throw bad(name, value.get(), "at most '" + GoDuration.format(max) + "'");
            }
            return parsed;
        }

        boolean bool(String name) throws UsageException {
            Optional<String> value = value(name);
            if (value.isEmpty()) {
                return false;
            }
            return switch (value.get().strip().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw bad(name, value.get(), "'true' or 'false'");
            };
        }
    }
}
