package com.datasance.pot.nats.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.NatsJwt;
import com.datasance.pot.nats.testkit.NatsServerFixture;
import com.datasance.pot.nats.testkit.OperatorFixture;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.NKey;
import io.nats.client.Nats;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pass stopped half-way (SIGTERM while nats-server works through the requests, seconds per
 * account on 2.9.10) must already have logged every account whose data it deleted. A real
 * nats-server without auth where the test answers the purge subject: the first purge is
 * confirmed, the second is never answered, and the pass is interrupted while it waits.
 */
class InterruptedPassTest {

    private static final String OK_REPLY =
            "{\"type\":\"io.nats.jetstream.api.v1.account_purge_response\",\"initiated\":true}";

    @TempDir
    Path dir;

    @Test
    void shouldHaveLoggedEveryConfirmedPurgeWhenThePassIsInterrupted() throws Exception {
        OperatorFixture operator = OperatorFixture.create(dir.resolve("op"));
        operator.addAccount("live");
        for (int i = 0; i < 2; i++) {
            String gone = NatsJwt.publicKey(NKey.createAccount(new SecureRandom()));
            Files.createDirectories(operator.storeDir().resolve("jetstream").resolve(gone));
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        AtomicReference<String> answered = new AtomicReference<>();
        try (NatsServerFixture server = NatsServerFixture.startWithConfig(dir.resolve("plain"), "no_sys_acc: true\n");
                Connection responder = Nats.connect(server.clientUrl())) {
            Dispatcher dispatcher = responder.createDispatcher(message -> {
                String account = message.getSubject().substring(JetStreamReconciler.PURGE_SUBJECT_PREFIX.length());
                if (answered.compareAndSet(null, account)) {
                    responder.publish(message.getReplyTo(), OK_REPLY.getBytes(StandardCharsets.UTF_8));
                }
            });
            dispatcher.subscribe(JetStreamReconciler.PURGE_SUBJECT_PREFIX + "*");
            StandInSystemAccount.answerOn(responder);
            responder.flush(Duration.ofSeconds(5));
            PurgeSettings settings = PurgeSettings.builder()
                    .storeDir(operator.storeDir())
                    .resolverDir(operator.resolverDir())
                    .systemAccount(operator.system().publicKey())
                    .clientUrl(server.clientUrl())
                    .credsFile(operator.system().credsFile())
                    .grace(Duration.ZERO)
                    .requestTimeout(Duration.ofSeconds(60))
                    .build();
            System.setErr(new PrintStream(tee(stderr, log), true, StandardCharsets.UTF_8));
            CompletableFuture<Throwable> ended = new CompletableFuture<>();
            Thread pass = Thread.ofPlatform().start(() -> {
                try {
                    JetStreamReconciler.of(settings).reconcile();
                    ended.complete(null);
                } catch (Throwable e) {
                    ended.complete(e);
                }
            });
            Instant deadline = Instant.now().plusSeconds(20);
            while (!logged(log).contains("purged account") && Instant.now().isBefore(deadline)) {
                Thread.sleep(20); // polling the captured log, bounded
            }
            pass.interrupt();
            Throwable end = ended.get(20, java.util.concurrent.TimeUnit.SECONDS);

            assertTrue(end instanceof InterruptedException, "pass ended with " + end);
            String text = logged(log);
            assertTrue(text.contains("purged account '" + answered.get() + "'"), text);
            assertTrue(text.contains("sending purge requests for 2 account(s)"), text);
            assertTrue(text.contains("stopped before its end: 1 account(s) purged"), text);
            assertFalse(text.contains("JetStream purge pass: "), text);
            assertEquals(1, text.split("purged account", -1).length - 1, text);
        } finally {
            System.setErr(stderr);
        }
    }

    private static String logged(ByteArrayOutputStream log) {
        synchronized (log) {
            return log.toString(StandardCharsets.UTF_8);
        }
    }

    private static OutputStream tee(OutputStream first, ByteArrayOutputStream second) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (second) {
                    second.write(b);
                }
                try {
                    first.write(b);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                synchronized (second) {
                    second.write(b, off, len);
                }
                first.write(b, off, len);
            }
        };
    }
}
