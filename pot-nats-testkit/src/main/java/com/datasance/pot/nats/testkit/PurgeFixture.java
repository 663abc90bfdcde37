package com.datasance.pot.nats.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The JetStream purge scenario's tree: an {@link OperatorFixture} (operator, system account) with
 * two accounts, {@code live}, which stays in the resolver, and {@code gone}, the one a test
 * removes; each gets a file stream {@link #STREAM} of {@link #MESSAGES} messages, written by a
 * real nats-server. The server config ({@link #config()}) runs the full resolver and JetStream on
 * the tree's store.
 *
 * <p>Not thread-safe. Starting and stopping servers is the caller's: {@link #startServer()} hands
 * one out, {@link #withData(Path)} writes the streams through one it stops again.
 */
public final class PurgeFixture {

    /** How many messages each account's stream holds. */
    public static final int MESSAGES = 7;

    /** The name of each account's stream (subjects {@code ORDERS.>}). */
    public static final String STREAM = "ORDERS";

    private final OperatorFixture operator;
    private final OperatorFixture.Account live;
    private final OperatorFixture.Account gone;
    private final Path config;

    private PurgeFixture(Path dir, String extraConfig) {
        operator = OperatorFixture.create(dir);
        live = operator.addAccount("live");
        gone = operator.addAccount("gone");
        config = operator.writeServerConfig(extraConfig);
    }

    /**
     * The tree under {@code dir} with no JetStream data yet; {@code extraConfig} is appended to
     * the server config (a TLS block, say; empty for none).
     *
     * @param dir the tree's root, usually a test's temp dir
     * @param extraConfig config text appended to the server config as is
     * @return the fixture
     * @throws UncheckedIOException when the tree cannot be written (names the path)
     */
    public static PurgeFixture create(Path dir, String extraConfig) {
        return new PurgeFixture(dir, extraConfig);
    }

    /**
     * The tree under {@code dir}, with both accounts' streams written by a nats-server that is
     * stopped again before this returns.
     *
     * @param dir the tree's root, usually a test's temp dir
     * @return the fixture, each account's stream on disk
     * @throws IOException when a stream cannot be written
     * @throws InterruptedException when interrupted while the server starts, stops or answers
     */
    public static PurgeFixture withData(Path dir) throws IOException, InterruptedException {
        PurgeFixture fixture = new PurgeFixture(dir, "");
        try (NatsServerFixture server = fixture.startServer()) {
            fixture.writeStreams(server.clientUrl(), Optional.empty());
        }
        return fixture;
    }

    /**
     * Starts nats-server on {@link #config()} (free ports on 127.0.0.1) and waits until it is
     * healthy.
     *
     * @return the running server, the caller's to close
     * @throws AssertionError when it is not healthy in time; the message quotes its output
     * @throws InterruptedException when interrupted while waiting
     */
    public NatsServerFixture startServer() throws InterruptedException {
        return NatsServerFixture.start(config, List.of(), Map.of());
    }

    /**
     * Creates each account's stream {@link #STREAM} with {@link #MESSAGES} acknowledged messages
     * on the server at {@code url}.
     *
     * @param url the server's client URL
     * @param ssl the client TLS context when the server requires TLS, else empty
     * @throws IllegalStateException when JetStream refuses a stream or message
     * @throws IOException when the server cannot be reached
     * @throws InterruptedException when interrupted while publishing
     */
    public void writeStreams(String url, Optional<SSLContext> ssl) throws IOException, InterruptedException {
        streams(url, ssl, live).createWithMessages(STREAM, MESSAGES, 1);
        streams(url, ssl, gone).createWithMessages(STREAM, MESSAGES, 1);
    }

    /**
     * JetStream helpers as {@code account}'s user on the server at {@code url}, without TLS.
     *
     * @param url the server's client URL
     * @param account {@link #live()}, {@link #gone()} or another account of {@link #operator()}
     * @return the helpers
     */
    public Streams streams(String url, OperatorFixture.Account account) {
        return streams(url, Optional.empty(), account);
    }

    /**
     * JetStream helpers as {@code account}'s user on the server at {@code url}, over TLS when
     * given.
     *
     * @param url the server's client URL
     * @param ssl the client TLS context when the server requires TLS, else empty
     * @param account {@link #live()}, {@link #gone()} or another account of {@link #operator()}
     * @return the helpers
     */
    public Streams streams(String url, Optional<SSLContext> ssl, OperatorFixture.Account account) {
        return new Streams(url, account.credsFile(), ssl);
    }

    /**
     * The operator tree: resolver and creds directories, the system account, the store.
     *
     * @return the tree
     */
    public OperatorFixture operator() {
        return operator;
    }

    /**
     * The account that stays in the resolver: its data must survive every purge.
     *
     * @return the account named {@code live}
     */
    public OperatorFixture.Account live() {
        return live;
    }

    /**
     * The account a test removes from the resolver: its data is what a purge deletes.
     *
     * @return the account named {@code gone}
     */
    public OperatorFixture.Account gone() {
        return gone;
    }

    /**
     * The server config file.
     *
     * @return {@code server.conf} in the tree, absolute
     */
    public Path config() {
        return config;
    }

    /**
     * Deletes {@code account}'s JWT from the resolver directory, as an operator removing it does.
     *
     * @param account an account of {@link #operator()}
     * @throws UncheckedIOException when it cannot be deleted (names the file)
     */
    public void removeJwt(OperatorFixture.Account account) {
        try {
            Files.delete(account.jwtFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + account.jwtFile(), e);
        }
    }

    /**
     * Where nats-server keeps {@code account}'s data; it exists only once the account has
     * JetStream data.
     *
     * @param account an account of {@link #operator()}
     * @return {@code <store_dir>/jetstream/<account public key>}
     */
    public Path storeDirOf(OperatorFixture.Account account) {
        return operator.accountStoreDir(account);
    }

    /**
     * Whether {@code account}'s stream {@link #STREAM} has its directory on disk.
     *
     * @param account an account of {@link #operator()}
     * @return true when {@code <store dir of account>/streams/ORDERS} is a directory
     */
    public boolean streamOnDisk(OperatorFixture.Account account) {
        return Files.isDirectory(storeDirOf(account).resolve("streams").resolve(STREAM));
    }
}
