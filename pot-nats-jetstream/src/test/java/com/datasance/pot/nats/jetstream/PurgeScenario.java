package com.datasance.pot.nats.jetstream;

import com.datasance.pot.nats.testkit.NatsServerFixture;
import com.datasance.pot.nats.testkit.OperatorFixture;
import com.datasance.pot.nats.testkit.PurgeFixture;
import com.datasance.pot.nats.testkit.Streams;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The testkit's {@link PurgeFixture} on a running server: an operator-mode nats-server with two
 * accounts that each have a file stream of {@link #MESSAGES} messages ({@code live} stays in the
 * resolver, {@code gone} is the one tests remove), plus the purge settings for it.
 */
final class PurgeScenario implements AutoCloseable {

    static final int MESSAGES = PurgeFixture.MESSAGES;
    static final String STREAM = PurgeFixture.STREAM;

    final PurgeFixture fixture;
    final OperatorFixture operator;
    final OperatorFixture.Account live;
    final OperatorFixture.Account gone;
    NatsServerFixture server;

    private final Optional<SSLContext> ssl;

    private PurgeScenario(Path dir, String extraConfig, Optional<SSLContext> ssl)
            throws IOException, InterruptedException {
        this.ssl = ssl;
        fixture = PurgeFixture.create(dir, extraConfig);
        operator = fixture.operator();
        live = fixture.live();
        gone = fixture.gone();
        server = fixture.startServer();
        fixture.writeStreams(clientUrl(), ssl);
    }

    static PurgeScenario start(Path dir) throws IOException, InterruptedException {
        return new PurgeScenario(dir, "", Optional.empty());
    }

    static PurgeScenario start(Path dir, String extraConfig, Optional<SSLContext> ssl)
            throws IOException, InterruptedException {
        return new PurgeScenario(dir, extraConfig, ssl);
    }

    /** Settings for this server with the system user's creds. */
    PurgeSettings settings() {
        return build(builder().credsFile(operator.system().credsFile()));
    }

    /** This server's store, resolver, system account and URL, grace zero, no creds. */
    PurgeSettings.Builder builder() {
        return PurgeSettings.builder()
                .storeDir(operator.storeDir())
                .resolverDir(operator.resolverDir())
                .systemAccount(operator.system().publicKey())
                .clientUrl(clientUrl())
                .grace(java.time.Duration.ZERO);
    }

    static PurgeSettings build(PurgeSettings.Builder builder) {
        try {
            return builder.build();
        } catch (ReconcileException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    Streams streams(OperatorFixture.Account account) {
        return fixture.streams(clientUrl(), ssl, account);
    }

    String clientUrl() {
        return (ssl.isPresent() ? "tls" : "nats") + "://127.0.0.1:" + server.clientPort();
    }

    void removeJwt(OperatorFixture.Account account) {
        fixture.removeJwt(account);
    }

    Path storeDirOf(OperatorFixture.Account account) {
        return fixture.storeDirOf(account);
    }

    /** The live account still has its stream, all its messages, and its files on disk. */
    long liveMessages() throws IOException, InterruptedException {
        return streams(live).messageCount(STREAM);
    }

    boolean liveStreamOnDisk() {
        return fixture.streamOnDisk(live);
    }

    @Override
    public void close() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }
}
