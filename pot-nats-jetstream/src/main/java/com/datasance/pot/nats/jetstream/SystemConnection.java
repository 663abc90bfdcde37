package com.datasance.pot.nats.jetstream;

import com.datasance.pot.nats.api.SafeText;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
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

        /** Failed: {@code kind} for decisions, {@code errCode} from an error reply, {@code why} for people. */
        record Failed(PurgeOutcome.FailureKind kind, Optional<Integer> errCode, String why) implements Reply {
            Failed(PurgeOutcome.FailureKind kind, String why) {
                this(kind, Optional.empty(), why);
            }
        }
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
     * Connects as the user in {@code creds}, retrying with backoff until {@code readyTimeout} only
     * while nothing listens yet (at startup the pass may begin before nats-server listens), and
     * checks that the user belongs to the system account. Everything else fails at once, with the
     * cause: a refused sign-in, a TLS failure (the PKIX reason), unreadable creds, a user of
     * another account.
     */
    static SystemConnection open(PurgeSettings settings) throws ReconcileException, InterruptedException {
        Optional<Path> credsFile = settings.credsFile();
        if (credsFile.isPresent()) {
            // The client reads the creds at each connect: never a FIFO (its open() blocks) nor a
            // file without bound.
            RegularFiles.check(credsFile.get(), RegularFiles.MAX_BYTES, "system user creds");
        }
        String creds = credsFile.map(Path::toString).orElse("(the connection hook's)");
        String url = SafeText.redactUrl(settings.clientUrl());
        Instant deadline = Instant.now().plus(settings.readyTimeout());
        ConnectProblems problems = new ConnectProblems();
        Options.Builder options = Options.builder()
                .server(settings.clientUrl())
                .connectionName("pot-nats-jetstream")
                .errorListener(problems)
                .maxReconnects(10)
                .reconnectWait(Duration.ofMillis(200));
        if (credsFile.isPresent()) {
            options.authHandler(Nats.credentials(credsFile.get().toString()));
        }
        if (settings.clientUrl().startsWith("tls://") && settings.caFile().isPresent()) {
            options.sslContext(trusting(settings.caFile().get()));
        }
        PurgeSettings.ConnectionFactory factory = Nats::connect;
        if (settings.connection().isPresent()) {
            settings.connection().get().options().accept(options);
            factory = settings.connection().get().factory();
        }
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            Duration left = Duration.between(Instant.now(), deadline);
            options.connectionTimeout(min(Duration.ofSeconds(2), left.isNegative() ? Duration.ofMillis(1) : left));
            problems.clear();
            Connection connection;
            try {
                connection = factory.connect(options.build());
            } catch (IOException e) {
                ConnectProblem problem = problems.worst(e);
                switch (problem) {
                    case ConnectProblem.NotListening notListening -> {
                        if (Instant.now().plus(backoff).isAfter(deadline)) {
                            throw new ReconcileException(
                                    ReconcileException.Kind.NOT_LISTENING,
                                    "nothing accepted a connection at " + SafeText.quote(url) + " within "
                                            + SafeText.duration(settings.readyTimeout()) + " (" + notListening.why()
                                            + "); check NATS_CLIENT_URL against the server's 'listen'/'port'",
                                    e);
                        }
                        LOG.debug("nats-server at {} not ready yet: {}", SafeText.quote(url), notListening.why());
                    }
                    case ConnectProblem.Refused refused ->
                        throw new ReconcileException(
                                "nats-server at " + SafeText.quote(url) + " refused the sign-in with creds "
                                        + SafeText.quote(creds) + ": " + SafeText.quote(refused.error())
                                        + "; the creds must be a user of the system account",
                                e);
                    case ConnectProblem.Tls tls ->
                        throw new ReconcileException(
                                "TLS with " + SafeText.quote(url) + " failed: " + SafeText.escape(tls.why())
                                        + settings.caFile()
                                                .map(ca -> " (trusting CA file " + SafeText.quote(ca.toString()) + ")")
                                                .orElse(" (trusting the JVM's default CAs)"),
                                e);
                    case ConnectProblem.Other other ->
                        throw new ReconcileException(
                                "cannot connect to " + SafeText.quote(url) + " with creds " + SafeText.quote(creds)
                                        + ": " + SafeText.escape(other.why()),
                                e);
                }
                Thread.sleep(backoff);
                backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
                continue;
            }
            SystemConnection opened = new SystemConnection(connection, settings, deadline);
            try {
                opened.servers = opened.countServers(creds);
                return opened;
            } catch (ReconcileException | InterruptedException | RuntimeException e) {
                opened.close();
                throw e;
            }
        }
    }

    /** Why one connect attempt failed, from what jnats reported to the error listener. */
    sealed interface ConnectProblem {
        /** Connection refused, unreachable, timed out: the server may not listen yet. */
        record NotListening(String why) implements ConnectProblem {}

        /** The server answered with {@code -ERR} (an authorization violation, most often). */
        record Refused(String error) implements ConnectProblem {}

        /** The TLS handshake failed; {@code why} is the innermost cause (PKIX path, host name...). */
        record Tls(String why) implements ConnectProblem {}

        record Other(String why) implements ConnectProblem {}
    }

    /**
     * jnats reports the cause of a failed connect to the error listener only (the exception
     * {@code Nats.connect} throws says "Unable to connect" and carries no cause), so the listener
     * keeps what it saw, by type.
     */
    private static final class ConnectProblems implements ErrorListener {
        private final java.util.concurrent.ConcurrentLinkedQueue<Object> seen =
                new java.util.concurrent.ConcurrentLinkedQueue<>();

        void clear() {
            seen.clear();
        }

        @Override
        public void errorOccurred(Connection connection, String error) {
            seen.add(error == null ? "" : error);
            LOG.debug("nats-server error: {}", SafeText.quote(String.valueOf(error)));
        }

        @Override
        public void exceptionOccurred(Connection connection, Exception exception) {
            seen.add(exception);
            // jnats' default listener reports every refused connect at SEVERE; while waiting for
            // the server to come up those are expected, so they go to debug here.
            LOG.debug("nats connection: {}", SafeText.escape(exception.toString()));
        }

        /** A refusal or TLS failure wins over "not listening": it will not go away by waiting. */
        ConnectProblem worst(IOException thrown) {
            ConnectProblem found = null;
            for (Object item : seen) {
                ConnectProblem problem = switch (item) {
                    case String error -> new ConnectProblem.Refused(error);
                    case Throwable t -> classify(t);
                    default -> new ConnectProblem.Other(String.valueOf(item));
                };
                if (found == null || rank(problem) > rank(found)) {
                    found = problem;
                }
            }
            if (found != null) {
                return found;
            }
            ConnectProblem problem = classify(thrown);
            // Nothing reached the listener and jnats' exception has no cause: no socket was ever
            // opened, as with a refused connect (jnats reports those only as 'Unable to connect').
            return problem instanceof ConnectProblem.Other && thrown.getCause() == null
                    ? new ConnectProblem.NotListening(String.valueOf(thrown.getMessage()))
                    : problem;
        }

        private static int rank(ConnectProblem problem) {
            return switch (problem) {
                case ConnectProblem.NotListening n -> 0;
                case ConnectProblem.Other o -> 1;
                case ConnectProblem.Tls t -> 2;
                case ConnectProblem.Refused r -> 3;
            };
        }

        private static ConnectProblem classify(Throwable thrown) {
            Throwable innermost = thrown;
            Throwable tls = null;
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                if (tls == null
                        && (t instanceof javax.net.ssl.SSLException
                                || t instanceof java.security.cert.CertificateException
                                || t instanceof java.security.cert.CertPathValidatorException)) {
                    // the outermost TLS exception's message names the check ('PKIX path
                    // validation failed: ...'), the innermost the detail
                    tls = t;
                }
                if (t instanceof java.net.ConnectException
                        || t instanceof java.net.NoRouteToHostException
                        || t instanceof java.net.SocketTimeoutException
                        || t instanceof java.net.UnknownHostException) {
                    return new ConnectProblem.NotListening(t.toString());
                }
                innermost = t;
            }
            if (tls != null) {
                return new ConnectProblem.Tls(
                        tls.equals(innermost)
                                ? tls.toString()
                                : tls.getMessage() + " (" + innermost.getMessage() + ")");
            }
            return new ConnectProblem.Other(innermost.toString());
        }
    }

    private static final String SERVER_PING = "$SYS.REQ.SERVER.PING";
    private static final String SERVER_PING_CONNZ = "$SYS.REQ.SERVER.PING.CONNZ";
    private static final String SERVER_PING_LEAFZ = "$SYS.REQ.SERVER.PING.LEAFZ";
    /** How long after the last answer to a ping no further server is expected to answer. */
    private static final Duration QUIET = Duration.ofMillis(250);

    // The servers that answered the ping at connect time; each must answer a connection count.
    private Set<String> servers = Set.of();

    /**
     * Pings every server through {@code $SYS.REQ.SERVER.PING}. Only the system account has
     * responders there, so no answer means the creds belong to another account (nats-server 2.9.10
     * carries out a purge sent by any account's user: this check is ours).
     */
    private Set<String> countServers(String creds) throws ReconcileException, InterruptedException {
        Set<String> ids = gather(SERVER_PING, new byte[0]);
        if (ids.isEmpty()) {
            throw new ReconcileException("the creds " + SafeText.quote(creds) + " signed in at "
                    + "'" + SafeText.redactUrl(settings.clientUrl()) + "'"
                    + " but nothing answered on '" + SERVER_PING + "' within "
                    + SafeText.duration(settings.requestTimeout())
                    + ": they are not a user of the system account"
                    + settings.systemAccount().map(a -> " '" + a + "'").orElse("")
                    + "; NATS_SYS_USER_CRED_PATH must name the system account's user creds");
        }
        return Set.copyOf(ids);
    }

    /** How many connections of {@code account} the servers have, or why that is not known. */
    sealed interface Connections {
        /**
         * Every server answered both counts.
         *
         * @param clients client connections ({@code CONNZ} {@code total}; 2.9.10 counts the
         *     account's leafnodes here too)
         * @param leafnodes leafnode connections ({@code LEAFZ} {@code leafnodes})
         */
        record Known(long clients, long leafnodes) implements Connections {
            long total() {
                return clients + leafnodes;
            }
        }

        record Unknown(String why) implements Connections {}
    }

    /**
     * Asks every server for the connections of {@code account}: its clients
     * ({@code $SYS.REQ.SERVER.PING.CONNZ} with an account filter) and its leafnodes
     * ({@code $SYS.REQ.SERVER.PING.LEAFZ} with an account filter), both answered by nats-server
     * 2.9.10 and 2.12. An edge server linked through a leafnode uses the account as much as a
     * client does, whichever of the two a server version counts it in. Only when as many servers
     * answer each as answered the ping at connect time is the total known. Both questions are
     * asked before either answer is awaited: the check costs one round trip, not two.
     */
    Connections connectionsOf(String account) throws InterruptedException {
        if (!PurgePlan.isAccountKey(account)) {
            throw new IllegalStateException("not an account key: " + SafeText.quote(account));
        }
        Instant deadline = Instant.now().plus(settings.requestTimeout());
        try (Question clients = ask(SERVER_PING_CONNZ, "{\"acc\":\"" + account + "\",\"limit\":1}");
                Question leafnodes = ask(SERVER_PING_LEAFZ, "{\"account\":\"" + account + "\"}")) {
            return switch (clients.count(ServerReply.Data::total, deadline)) {
                case Count.Unknown unknown -> new Connections.Unknown(unknown.why());
                case Count.Known knownClients ->
                    switch (leafnodes.count(ServerReply.Data::leafnodes, deadline)) {
                        case Count.Unknown unknown -> new Connections.Unknown(unknown.why());
                        case Count.Known knownLeafnodes ->
                            new Connections.Known(knownClients.sum(), knownLeafnodes.sum());
                    };
            };
        }
    }

    /** One count summed over every server, or why it is not known. */
    private sealed interface Count {
        record Known(long sum) implements Count {}

        record Unknown(String why) implements Count {}
    }

    /** Publishes {@code filter} to {@code subject}, answers awaited later on their own inbox. */
    private Question ask(String subject, String filter) {
        Subscription inbox = connection.subscribe(connection.createInbox());
        connection.publish(subject, inbox.getSubject(), utf8(filter));
        return new Question(subject, inbox);
    }

    /** A question put to every server; closing it drops the inbox. */
    private final class Question implements AutoCloseable {
        private final String subject;
        private final Subscription inbox;

        Question(String subject, Subscription inbox) {
            this.subject = subject;
            this.inbox = inbox;
        }

        /**
         * The sum of {@code field} over the answers of the servers that answered the ping at
         * connect time; unknown unless each of them answers by {@code deadline}.
         */
        Count count(Function<ServerReply.Data, Long> field, Instant deadline) throws InterruptedException {
            Map<String, Long> counts = new HashMap<>();
            while (!counts.keySet().containsAll(servers)) {
                Duration left = Duration.between(Instant.now(), deadline);
                if (left.isNegative() || left.isZero()) {
                    break;
                }
                Message message = inbox.nextMessage(left);
                if (message == null) {
                    break;
                }
                if (message.isStatusMessage()) {
                    return new Count.Unknown("status " + message.getStatus().getCode() + " on '" + subject + "'");
                }
                ServerReply reply;
                try {
                    reply = ServerReply.parse(message.getData());
                } catch (IOException e) {
                    return new Count.Unknown("unreadable reply on '" + subject + "': "
                            + SafeText.escape(String.valueOf(e.getMessage())));
                }
                Long count = reply.error() != null || reply.data() == null ? null : field.apply(reply.data());
                if (count == null) {
                    return new Count.Unknown("reply on '" + subject + "' without a count"
                            + (reply.error() == null
                                    ? ""
                                    : ": " + SafeText.escape(reply.error().toString())));
                }
                counts.put(reply.serverId(), count);
            }
            if (!counts.keySet().containsAll(servers)) {
                return new Count.Unknown(counts.size() + " of " + servers.size() + " server(s) answered on '" + subject
                        + "' by the deadline (" + SafeText.duration(settings.requestTimeout())
                        + " after the question)");
            }
            return new Count.Known(
                    counts.values().stream().mapToLong(Long::longValue).sum());
        }

        @Override
        public void close() {
            inbox.unsubscribe();
        }
    }

    /** Publishes {@code body} to {@code subject} and collects the server ids that answer until quiet. */
    private Set<String> gather(String subject, byte[] body) throws InterruptedException {
        Subscription inbox = connection.subscribe(connection.createInbox());
        Set<String> ids = new HashSet<>();
        try {
            connection.publish(subject, inbox.getSubject(), body);
            Duration wait = settings.requestTimeout();
            while (true) {
                Message message = inbox.nextMessage(wait);
                if (message == null || message.isStatusMessage()) {
                    return ids;
                }
                try {
                    ids.add(ServerReply.parse(message.getData()).serverId());
                } catch (IOException e) {
                    LOG.debug("unreadable reply on '{}': {}", subject, SafeText.escape(String.valueOf(e.getMessage())));
                }
                wait = QUIET;
            }
        } finally {
            inbox.unsubscribe();
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
        Reply.Failed lastFailure = new Reply.Failed(PurgeOutcome.FailureKind.REQUEST_FAILED, "");
        int attempts = 0;
        while (attempts < settings.requestAttempts()) {
            Reply reply = first.isPresent() ? interpret(subject, first.get()) : once(subject, body);
            first = Optional.empty();
            if (reply instanceof Reply.Answered answered && answered.reply().error() == null) {
                return reply;
            }
            lastFailure = switch (reply) {
                case Reply.Failed failed -> failed;
                case Reply.Answered answered ->
                    new Reply.Failed(
                            PurgeOutcome.FailureKind.ERROR_REPLY,
                            Optional.ofNullable(answered.reply().error().errCode()),
                            "error reply "
                                    + SafeText.escape(
                                            String.valueOf(answered.reply().error())));
            };
            boolean notReady = lastFailure.kind() == PurgeOutcome.FailureKind.NO_RESPONDERS;
            if (notReady && Instant.now().isBefore(readyDeadline)) {
                LOG.debug("'{}': {}; retrying", subject, lastFailure.why());
            } else {
                attempts++;
            }
            if (attempts < settings.requestAttempts()) {
                Thread.sleep(backoff);
                backoff = min(backoff.multipliedBy(2), Duration.ofSeconds(2));
            }
        }
        return new Reply.Failed(
                lastFailure.kind(),
                lastFailure.errCode(),
                lastFailure.why() + " (after " + settings.requestAttempts() + " attempt(s) on '" + subject + "')");
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
                        ? new Reply.Failed(
                                PurgeOutcome.FailureKind.NO_RESPONDERS, NO_RESPONDERS + " on '" + subject + "'")
                        : new Reply.Failed(
                                PurgeOutcome.FailureKind.UNREADABLE_REPLY,
                                "status " + SafeText.escape(String.valueOf(message.getStatus())) + " on '" + subject
                                        + "'");
            }
            try {
                return new Reply.Answered(ApiReply.parse(message.getData()));
            } catch (IOException e) {
                return new Reply.Failed(
                        PurgeOutcome.FailureKind.UNREADABLE_REPLY,
                        "unreadable reply on '" + subject + "': " + SafeText.escape(String.valueOf(e.getMessage())));
            }
        } catch (CancellationException e) {
            // jnats cancels the request future when nats-server answers 'no responders' (503).
            return new Reply.Failed(PurgeOutcome.FailureKind.NO_RESPONDERS, NO_RESPONDERS + " on '" + subject + "'");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CancellationException) {
                return new Reply.Failed(
                        PurgeOutcome.FailureKind.NO_RESPONDERS, NO_RESPONDERS + " on '" + subject + "'");
            }
            if (cause instanceof TimeoutException) {
                return new Reply.Failed(
                        PurgeOutcome.FailureKind.TIMEOUT,
                        "no reply within " + SafeText.duration(timeout) + " on '" + subject + "'");
            }
            return new Reply.Failed(
                    PurgeOutcome.FailureKind.REQUEST_FAILED,
                    "request on '" + subject + "' failed: " + SafeText.escape(String.valueOf(cause)));
        } catch (TimeoutException e) {
            return new Reply.Failed(
                    PurgeOutcome.FailureKind.TIMEOUT,
                    "no reply within " + SafeText.duration(timeout) + " on '" + subject + "'");
        }
    }

    @Override
    public void close() throws InterruptedException {
        connection.close();
    }

    private static SSLContext trusting(Path caFile) throws ReconcileException {
        byte[] pem = RegularFiles.read(caFile, RegularFiles.MAX_BYTES, "CA file");
        try (InputStream in = new java.io.ByteArrayInputStream(pem)) {
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
