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

    /**
     * One account and its only user.
     *
     * @param name the account's name in its JWT, also the creds file's base name
     * @param publicKey the account's public nkey ({@code A...}), the resolver's file name
     * @param key the account's key pair, which signs its user; a secret, never printed
     * @param jwtFile the account JWT in the resolver directory
     * @param credsFile the creds file of the account's only user
     */
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

    /**
     * Generates the operator and the system account (named {@code SYS}, no JetStream) under
     * {@code dir}, creating the directories.
     *
     * @param dir the tree's root, usually a test's temp dir
     * @return the fixture
     * @throws UncheckedIOException when the tree cannot be written (names the path)
     */
    public static OperatorFixture create(Path dir) {
        return new OperatorFixture(dir);
    }

    /**
     * A new account with unlimited JetStream and one user; its JWT and creds are written.
     *
     * @param name the account's name, also the creds file's base name (unique in the tree)
     * @return the account
     * @throws UncheckedIOException when a file cannot be written (names it)
     */
    public Account addAccount(String name) {
        return addAccount(name, newKey(KeyKind.ACCOUNT), NatsJwt.unlimitedAccountLimits());
    }

    /**
     * Re-issues {@code account}'s JWT with {@code limits} and writes it over the old one.
     *
     * @param account an account of this tree
     * @param limits the JWT's {@code nats.limits} claims (see {@link
     *     NatsJwt#unlimitedAccountLimits()} for the keys)
     * @throws UncheckedIOException when the JWT cannot be written (names the file)
     */
    public void reissue(Account account, Map<String, Object> limits) {
        write(account.jwtFile(), NatsJwt.account(operator, account.key(), account.name(), limits));
    }

    /**
     * The JWT text of {@code account}, re-issued with {@code limits}, without writing it.
     *
     * @param account an account of this tree
     * @param limits the JWT's {@code nats.limits} claims
     * @return the signed JWT
     */
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
     *
     * @param extra config text appended as is (empty for none)
     * @return the config text
     */
    public String serverConfig(String extra) {
        return serverConfig(storeDir(), extra);
    }

    /**
     * As {@link #serverConfig(String)}, with JetStream data in {@code storeDir}.
     *
     * @param storeDir the JetStream {@code store_dir} (one per server of a cluster, say)
     * @param extra config text appended as is (empty for none)
     * @return the config text
     */
    public String serverConfig(Path storeDir, String extra) {
        return "operator: \"" + dir.resolve("operator.jwt") + "\"\n"
                + "system_account: " + system.publicKey() + "\n"
                + "resolver {\n  type: full\n  dir: \"" + resolverDir() + "\"\n  allow_delete: false\n"
                + "  interval: \"2m\"\n}\n"
                + "jetstream {\n  store_dir: \"" + storeDir + "\"\n}\n"
                + extra + "\n";
    }

    /**
     * Writes {@link #serverConfig(String)} to {@code server.conf} in this tree, replacing it.
     *
     * @param extra config text appended as is (empty for none)
     * @return the config file
     * @throws UncheckedIOException when it cannot be written (names the file)
     */
    public Path writeServerConfig(String extra) {
        Path config = dir.resolve("server.conf");
        write(config, serverConfig(extra));
        return config;
    }

    /**
     * The tree's root.
     *
     * @return its absolute path
     */
    public Path dir() {
        return dir;
    }

    /**
     * The system account ({@code SYS}), whose user can query the server's {@code $SYS} subjects.
     *
     * @return the system account
     */
    public Account system() {
        return system;
    }

    /**
     * The full resolver's directory, one {@code <PUBLIC_KEY>.jwt} per account.
     *
     * @return {@code jwt/} in the tree
     */
    public Path resolverDir() {
        return dir.resolve("jwt");
    }

    /**
     * The directory of the users' creds files, one {@code <name>.creds} per account.
     *
     * @return {@code creds/} in the tree
     */
    public Path credsDir() {
        return dir.resolve("creds");
    }

    /**
     * The configured {@code store_dir}; accounts' data live under {@code jetstream/} inside it.
     *
     * @return {@code store/} in the tree
     */
    public Path storeDir() {
        return dir.resolve("store");
    }

    /**
     * Where nats-server keeps {@code account}'s streams; it exists only once the account has
     * JetStream data.
     *
     * @param account an account of this tree
     * @return {@code <store_dir>/jetstream/<account public key>}
     */
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
