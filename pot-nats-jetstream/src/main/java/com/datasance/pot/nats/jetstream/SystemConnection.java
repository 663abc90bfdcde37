package com.datasance.pot.nats.jetstream;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one connection of a pass, as the system user, and its request/retry policy. */
final class SystemConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SystemConnection.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    /** What came back for one request. */
    sealed interface Reply {
        record Answered(ApiReply reply) implements Reply {}

        record Failed(String why) implements Reply {}
    }

    private final Connection connection;
    private final PurgeSettings settings;
    private final Instant readyDeadline;

    private SystemConnection(Connection connection, PurgeSettings settings, Instant readyDeadline) {
        this.connection = connection;
        this.settings = settings;
        this.readyDeadline = readyDeadline;
    }

    /**
     * Connects as the user in {@code creds}, retrying with backoff until {@code readyTimeout}: at
     * startup the pass may begin before nats-server listens.
     */
    static SystemConnection open(PurgeSettings settings, Path creds) throws ReconcileException, InterruptedException {
        if (!Files.isReadable(creds)) {
            throw new ReconcileException("system user creds '" + creds + "' do not exist or cannot be read");
        }
        Instant deadline = Instant.now().plus(settings.readyTimeout());
        Options.Builder options = Options.builder()
                .server(settings.clientUrl())
                .authHandler(Nats.credentials(creds.toString()))
                .connectionName("pot-nats-jetstream")
                // jnats' default listener reports every refused connect at SEVERE; while waiting
                // for the server to come up those are expected, so they go to debug here.
                .errorListener(new ErrorListener() {
                    @Override
                    public void exceptionOccurred(Connection connection, Exception exception) {
                        LOG.debug("nats connection to '{}': {}", settings.clientUrl(), exception.toString());
                    }
                })
                .maxReconnects(10)
                .reconnectWait(Duration.ofMillis(200));
        if (settings.clientUrl().startsWith("tls://") && settings.caFile().isPresent()) {
            options.sslContext(trusting(settings.caFile().get()));
        }
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            Duration left = Duration.between(Instant.now(), deadline);
            options.connectionTimeout(min(Duration.ofSeconds(2), left.isNegative() ? Duration.ofMillis(1) : left));
            try {
                return new SystemConnection(Nats.connect(options.build()), settings, deadline);
            } catch (IOException e) {
                if (Instant.now().plus(backoff).isAfter(deadline)) {
                    throw new ReconcileException(
                            "nats-server at '" + settings.clientUrl() + "' did not accept a connection within '"
                                    + settings.readyTimeout() + "': " + e.getMessage(),
                            e);
                }
                LOG.debug("nats-server at '{}' not ready yet: {}", settings.clientUrl(), e.getMessage());
                Thread.sleep(backoff);
                backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
            }
        }
    }

    /**
     * Sends {@code body} to {@code subject} until a reply without {@code error} arrives. A missing
     * responder (the JetStream API is not up yet, or a cluster has no meta leader yet) is retried
     * until the ready deadline; error replies and timeouts count against {@code requestAttempts}.
     */
    Reply request(String subject, byte[] body) throws InterruptedException {
        return retry(subject, body, Optional.empty());
    }

    /** Sends without waiting; {@link #await} reads the reply. Lets a pass keep several requests in flight. */
    CompletableFuture<Message> send(String subject, byte[] body) {
        return connection.requestWithTimeout(subject, body, settings.requestTimeout());
    }

    /**
     * The reply to a request made with {@link #send}; when it is not a success, the request is
     * sent again as {@link #request} would, the first attempt counting against the limit.
     */
    Reply await(String subject, byte[] body, CompletableFuture<Message> first) throws InterruptedException {
        return retry(subject, body, Optional.of(first));
    }

    private Reply retry(String subject, byte[] body, Optional<CompletableFuture<Message>> first)
            throws InterruptedException {
        Duration backoff = Duration.ofMillis(250);
        String lastFailure = "";
        int attempts = 0;
        while (attempts < settings.requestAttempts()) {
            Reply reply = first.isPresent() ? interpret(subject, first.get()) : once(subject, body);
            first = Optional.empty();
            if (reply instanceof Reply.Answered answered && answered.reply().error() == null) {
                return reply;
            }
            boolean notReady =
                    reply instanceof Reply.Failed failed && failed.why().startsWith(NO_RESPONDERS);
            lastFailure = reply instanceof Reply.Failed failed
                    ? failed.why()
                    : "error reply " + ((Reply.Answered) reply).reply().error();
            if (notReady && Instant.now().isBefore(readyDeadline)) {
                LOG.debug("'{}': {}; retrying", subject, lastFailure);
            } else {
                attempts++;
            }
            if (attempts < settings.requestAttempts()) {
                Thread.sleep(backoff);
                backoff = min(backoff.multipliedBy(2), Duration.ofSeconds(2));
            }
        }
        return new Reply.Failed(
                lastFailure + " (after " + settings.requestAttempts() + " attempt(s) on '" + subject + "')");
    }

    private static final String NO_RESPONDERS = "no responders";

    private Reply once(String subject, byte[] body) throws InterruptedException {
        return interpret(subject, send(subject, body));
    }

    private Reply interpret(String subject, CompletableFuture<Message> pending) throws InterruptedException {
        Duration timeout = settings.requestTimeout();
        try {
            Message message = pending.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            if (message.isStatusMessage()) {
                return message.getStatus().getCode() == 503
                        ? new Reply.Failed(NO_RESPONDERS + " on '" + subject + "'")
                        : new Reply.Failed("status " + message.getStatus() + " on '" + subject + "'");
            }
            try {
                return new Reply.Answered(ApiReply.parse(message.getData()));
            } catch (IOException e) {
                return new Reply.Failed("unreadable reply on '" + subject + "': " + e.getMessage());
            }
        } catch (CancellationException e) {
            // jnats cancels the request future when nats-server answers 'no responders' (503).
            return new Reply.Failed(NO_RESPONDERS + " on '" + subject + "'");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CancellationException) {
                return new Reply.Failed(NO_RESPONDERS + " on '" + subject + "'");
            }
            if (cause instanceof TimeoutException) {
                return new Reply.Failed("no reply within '" + timeout + "' on '" + subject + "'");
            }
            return new Reply.Failed("request on '" + subject + "' failed: " + cause);
        } catch (TimeoutException e) {
            return new Reply.Failed("no reply within '" + timeout + "' on '" + subject + "'");
        }
    }

    @Override
    public void close() throws InterruptedException {
        connection.close();
    }

    private static SSLContext trusting(Path caFile) throws ReconcileException {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate :
                    CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new ReconcileException("CA file '" + caFile + "' holds no PEM certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ReconcileException("cannot read CA file '" + caFile + "': " + e.getMessage(), e);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
