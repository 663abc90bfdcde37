package com.datasance.pot.nats.testkit;

import io.nats.client.NKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;

/**
 * An operator-mode trust tree in a temp dir, generated in-process: an operator, a system account
 * with one user, and any number of accounts with one user each. Account JWTs go to {@code
 * jwt/<PUBLIC_KEY>.jwt} (a full resolver's directory), creds to {@code creds/<name>.creds}, the
 * operator JWT to {@code operator.jwt}, JetStream data to {@code store/}.
 *
 * <p>Not thread-safe.
 */
public final class OperatorFixture {

    /** One account and its only user. */
    public record Account(String name, String publicKey, NKey key, Path jwtFile, Path credsFile) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final NKey operator;
    private final Account system;

    private OperatorFixture(Path dir) {
        this.dir = dir.toAbsolutePath();
        this.operator = newKey(KeyKind.OPERATOR);
        NKey systemKey = newKey(KeyKind.ACCOUNT);
        try {
            Files.createDirectories(resolverDir());
            Files.createDirectories(credsDir());
            Files.createDirectories(storeDir());
            write(this.dir.resolve("operator.jwt"), NatsJwt.operator(operator, "OP", NatsJwt.publicKey(systemKey)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the operator tree under " + this.dir, e);
        }
        // The system account needs no JetStream of its own; nats-server gives it the meta state.
        Map<String, Object> limits = NatsJwt.unlimitedAccountLimits();
        limits.put("mem_storage", 0);
        limits.put("disk_storage", 0);
        limits.put("streams", 0);
        limits.put("consumer", 0);
        this.system = addAccount("SYS", systemKey, limits);
    }

    /** Generates the operator and the system account under {@code dir}. */
    public static OperatorFixture create(Path dir) {
        return new OperatorFixture(dir);
    }

    /** A new account with unlimited JetStream and one user. */
    public Account addAccount(String name) {
        return addAccount(name, newKey(KeyKind.ACCOUNT), NatsJwt.unlimitedAccountLimits());
    }

    /** Re-issues {@code account}'s JWT with {@code limits} and writes it over the old one. */
    public void reissue(Account account, Map<String, Object> limits) {
        write(account.jwtFile(), NatsJwt.account(operator, account.key(), account.name(), limits));
    }

    /** The JWT text of {@code account}, re-issued with {@code limits}, without writing it. */
    public String accountJwt(Account account, Map<String, Object> limits) {
        return NatsJwt.account(operator, account.key(), account.name(), limits);
    }

    private Account addAccount(String name, NKey key, Map<String, Object> limits) {
        String publicKey = NatsJwt.publicKey(key);
        Path jwtFile = resolverDir().resolve(publicKey + ".jwt");
        write(jwtFile, NatsJwt.account(operator, key, name, limits));
        NKey user = newKey(KeyKind.USER);
        Path creds = credsDir().resolve(name + ".creds");
        write(creds, NatsJwt.creds(NatsJwt.user(key, user, name + "-user"), user));
        return new Account(name, publicKey, key, jwtFile, creds);
    }

    /**
     * A server config for this tree: operator mode, the full resolver on {@link #resolverDir()},
     * the system account and JetStream on {@link #storeDir()}, followed by {@code extra} (cluster
     * or TLS blocks). Paths are absolute.
     */
    public String serverConfig(String extra) {
        return serverConfig(storeDir(), extra);
    }

    /** As {@link #serverConfig(String)}, with JetStream data in {@code storeDir}. */
    public String serverConfig(Path storeDir, String extra) {
        return "operator: \"" + dir.resolve("operator.jwt") + "\"\n"
                + "system_account: " + system.publicKey() + "\n"
                + "resolver {\n  type: full\n  dir: \"" + resolverDir() + "\"\n  allow_delete: false\n"
                + "  interval: \"2m\"\n}\n"
                + "jetstream {\n  store_dir: \"" + storeDir + "\"\n}\n"
                + extra + "\n";
    }

    /** Writes {@link #serverConfig(String)} to {@code server.conf} in this tree and returns it. */
    public Path writeServerConfig(String extra) {
        Path config = dir.resolve("server.conf");
        write(config, serverConfig(extra));
        return config;
    }

    public Path dir() {
        return dir;
    }

    public Account system() {
        return system;
    }

    public Path resolverDir() {
        return dir.resolve("jwt");
    }

    public Path credsDir() {
        return dir.resolve("creds");
    }

    /** The configured {@code store_dir}; accounts' data live under {@code jetstream/} inside it. */
    public Path storeDir() {
        return dir.resolve("store");
    }

    /** {@code <store_dir>/jetstream/<account>}, where nats-server keeps the account's streams. */
    public Path accountStoreDir(Account account) {
        return storeDir().resolve("jetstream").resolve(account.publicKey());
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private enum KeyKind {
        OPERATOR,
        ACCOUNT,
        USER
    }

    private static NKey newKey(KeyKind kind) {
        try {
            return switch (kind) {
                case OPERATOR -> NKey.createOperator(RANDOM);
                case ACCOUNT -> NKey.createAccount(RANDOM);
                case USER -> NKey.createUser(RANDOM);
            };
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create an nkey", e);
        }
    }
}
