package com.datasance.pot.nats.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.NatsJwt;
import com.datasance.pot.nats.testkit.NatsServerFixture;
import com.datasance.pot.nats.testkit.OperatorFixture;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.NKey;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Error replies, from a real nats-server without auth where the test itself answers on the purge
 * subject: the only way to make a reply fail on demand (the real purge API fails rarely, e.g. when
 * a stream cannot be deleted). The store and resolver directories are real trees.
 */
class ErrorReplyTest {

    private static final String ERROR_REPLY = "{\"type\":\"io.nats.jetstream.api.v1.account_purge_response\","
            + "\"error\":{\"code\":500,\"err_code\":10051,\"description\":\"stream delete failed\"}}";
    private static final String OK_REPLY =
            "{\"type\":\"io.nats.jetstream.api.v1.account_purge_response\",\"initiated\":true}";

    @TempDir
    Path dir;

    private OperatorFixture operator;
    private OperatorFixture.Account live;
    private String gone;

    @BeforeEach
    void trees() throws Exception {
        operator = OperatorFixture.create(dir.resolve("op"));
        live = operator.addAccount("live");
        Files.createDirectories(
                operator.accountStoreDir(live).resolve("streams").resolve("S"));
        gone = NatsJwt.publicKey(NKey.createAccount(new SecureRandom()));
        Files.createDirectories(operator.storeDir().resolve("jetstream").resolve(gone));
    }

    private PurgeReport passAgainstResponder(List<String> replies, AtomicInteger requests) throws Exception {
        try (NatsServerFixture server = NatsServerFixture.startWithConfig(dir.resolve("plain"), "no_sys_acc: true\n");
                Connection responder = Nats.connect(server.clientUrl())) {
            Dispatcher dispatcher = responder.createDispatcher(message -> {
                int n = requests.getAndIncrement();
                String reply = replies.get(Math.min(n, replies.size() - 1));
                responder.publish(message.getReplyTo(), reply.getBytes(StandardCharsets.UTF_8));
            });
            dispatcher.subscribe(JetStreamReconciler.PURGE_SUBJECT_PREFIX + "*");
            StandInSystemAccount.answerOn(responder);
            responder.flush(java.time.Duration.ofSeconds(5));
            PurgeSettings settings = PurgeSettings.builder()
                    .storeDir(operator.storeDir())
                    .resolverDir(operator.resolverDir())
                    .systemAccount(operator.system().publicKey())
                    .clientUrl(server.clientUrl())
                    .credsFile(operator.system().credsFile())
                    .grace(java.time.Duration.ZERO)
                    .build();
            return JetStreamReconciler.of(settings).reconcile();
        }
    }

    @Test
    void shouldRetryAnErrorReplyAndSucceed() throws Exception {
        AtomicInteger requests = new AtomicInteger();

        PurgeReport report = passAgainstResponder(List.of(ERROR_REPLY, OK_REPLY), requests);

        assertEquals(List.of(new PurgeOutcome.Purged(gone)), report.outcomes());
        assertEquals(2, requests.get());
        assertTrue(Files.isDirectory(
                operator.accountStoreDir(live).resolve("streams").resolve("S")));
    }

    @Test
    void shouldReportFailureAfterBoundedAttempts() throws Exception {
        AtomicInteger requests = new AtomicInteger();

        PurgeReport report = passAgainstResponder(List.of(ERROR_REPLY), requests);

        assertEquals(PurgeSettings.DEFAULT_REQUEST_ATTEMPTS, requests.get());
        PurgeOutcome.Failed failed = report.failed().getFirst();
        assertEquals(gone, failed.account());
        assertEquals(PurgeOutcome.FailureKind.ERROR_REPLY, failed.kind());
        assertEquals(java.util.Optional.of(10051), failed.errCode());
        assertTrue(failed.reason().contains("err_code 10051"), failed.reason());
        assertTrue(failed.reason().contains("$JS.API.ACCOUNT.PURGE." + gone), failed.reason());
        assertTrue(!report.succeeded());
        assertTrue(Files.isDirectory(
                operator.accountStoreDir(live).resolve("streams").resolve("S")));
    }

    @Test
    void shouldFailWhenReplyDoesNotSayInitiated() throws Exception {
        AtomicInteger requests = new AtomicInteger();

        PurgeReport report = passAgainstResponder(List.of("{\"type\":\"x\",\"initiated\":false}"), requests);

        assertEquals(1, report.failed().size(), report.toString());
        assertEquals(
                PurgeOutcome.FailureKind.NOT_INITIATED,
                report.failed().getFirst().kind());
        assertEquals(java.util.Optional.empty(), report.failed().getFirst().errCode());
        assertTrue(report.failed().getFirst().reason().contains("initiated: true"));
        assertTrue(Files.isDirectory(
                operator.accountStoreDir(live).resolve("streams").resolve("S")));
    }
}
