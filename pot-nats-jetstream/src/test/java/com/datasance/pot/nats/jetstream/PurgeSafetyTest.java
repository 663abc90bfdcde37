package com.datasance.pot.nats.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.FreePorts;
import com.datasance.pot.nats.testkit.NatsServerFixture;
import com.datasance.pot.nats.testkit.OperatorFixture;
import com.datasance.pot.nats.testkit.TlsFixture;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The defects of issue 10, each against a real nats-server 2.9 in operator mode, with message
 * counts of the accounts before and after: a JWT missing for a moment, an account with clients,
 * wrong purge settings, a symlink in the resolver directory, a JWT nats-server wrote itself.
 */
class PurgeSafetyTest {

    @TempDir
    Path dir;

    /** A clock the test moves by hand: grace periods pass without waiting. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-11-30T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static long messages(PurgeScenario scenario, OperatorFixture.Account account) throws Exception {
        return scenario.streams(account).messageCount(PurgeScenario.STREAM);
    }

    @Test
    void shouldKeepTheDataOfAJwtMissingForLessThanTheGracePeriod() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            ManualClock clock = new ManualClock();
            JetStreamReconciler reconciler = JetStreamReconciler.of(
                    scenario.settings().toBuilder().grace(Duration.ofMinutes(5)).build(), clock);
            Path moved = dir.resolve("moved.jwt");
            assertEquals(PurgeScenario.MESSAGES, messages(scenario, scenario.gone));

            // mv jwt/gone.jwt away: the pass sees it absent and starts the grace period.
            Files.move(scenario.gone.jwtFile(), moved);
            PurgeReport first = reconciler.reconcile();
            assertEquals(PurgeSkipReason.IN_GRACE_PERIOD, skipReason(first, scenario.gone));
            assertEquals(Optional.of(clock.instant().plus(Duration.ofMinutes(5))), reconciler.nextDue());

            // ... and back 4 minutes later: the absence is over.
            clock.advance(Duration.ofMinutes(4));
            Files.move(moved, scenario.gone.jwtFile());
            assertTrue(reconciler.reconcile().outcomes().isEmpty());
            assertEquals(Optional.empty(), reconciler.nextDue());

            // Gone again: the grace period starts from zero, not from the first absence.
            Files.move(scenario.gone.jwtFile(), moved);
            clock.advance(Duration.ofMinutes(2));
            assertEquals(PurgeSkipReason.IN_GRACE_PERIOD, skipReason(reconciler.reconcile(), scenario.gone));
            clock.advance(Duration.ofMinutes(4));
            assertEquals(PurgeSkipReason.IN_GRACE_PERIOD, skipReason(reconciler.reconcile(), scenario.gone));
            assertEquals(PurgeScenario.MESSAGES, messages(scenario, scenario.gone));

            // Absent for the whole grace period: purged.
            clock.advance(Duration.ofMinutes(1));
            PurgeReport due = reconciler.reconcile();
            assertEquals(List.of(new PurgeOutcome.Purged(scenario.gone.publicKey())), due.outcomes());
            assertFalse(Files.exists(scenario.storeDirOf(scenario.gone)));
            assertEquals(PurgeScenario.MESSAGES, scenario.liveMessages());
        }
    }

    @Test
    void shouldKeepTheDataWhileTheMountFlapsBetweenAFullAndAHalfSet() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            Path resolver = scenario.operator.resolverDir();
            Path mount = Files.createDirectories(dir.resolve("mount"));
            for (OperatorFixture.Account account : List.of(scenario.operator.system(), scenario.live, scenario.gone)) {
                Files.copy(account.jwtFile(), mount.resolve(account.jwtFile().getFileName()));
            }
            Optional<String> system = Optional.of(scenario.operator.system().publicKey());
            JwtMountMirror.mirror(mount, resolver, system);
            ManualClock clock = new ManualClock();
            JetStreamReconciler reconciler = JetStreamReconciler.of(
                    scenario.settings().toBuilder().grace(Duration.ofMinutes(5)).build(), clock);
            Path aside = dir.resolve("aside.jwt");

            for (int flap = 0; flap < 3; flap++) {
                // Half the set: the mirror removes what it mirrored, the pass only starts waiting.
                Files.move(mount.resolve(scenario.gone.jwtFile().getFileName()), aside);
                assertEquals(
                        List.of(scenario.gone.jwtFile().getFileName().toString()),
                        JwtMountMirror.mirror(mount, resolver, system).removed());
                assertEquals(PurgeSkipReason.IN_GRACE_PERIOD, skipReason(reconciler.reconcile(), scenario.gone));
                clock.advance(Duration.ofMinutes(3));
                // The full set again: copied back, the absence is over.
                Files.move(aside, mount.resolve(scenario.gone.jwtFile().getFileName()));
                JwtMountMirror.mirror(mount, resolver, system);
                assertTrue(reconciler.reconcile().outcomes().isEmpty());
                clock.advance(Duration.ofMinutes(3));
            }

            assertEquals(PurgeScenario.MESSAGES, messages(scenario, scenario.gone));
            assertEquals(PurgeScenario.MESSAGES, scenario.liveMessages());
        }
    }

    @Test
    void shouldNeverPurgeAnAccountThatHasClientConnections() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            JetStreamReconciler reconciler = JetStreamReconciler.of(scenario.settings());
            Connection client = scenario.streams(scenario.gone).connect();
            try {
                scenario.removeJwt(scenario.gone);

                PurgeReport report = reconciler.reconcile();

                assertEquals(PurgeSkipReason.HAS_CONNECTIONS, skipReason(report, scenario.gone));
                assertEquals(0, report.purged().size());
                assertEquals(PurgeScenario.MESSAGES, messages(scenario, scenario.gone));
            } finally {
                client.close();
            }
            // The last client left: now it goes (connz no longer lists a closed client).
            PurgeReport after = reconciler.reconcile();
            assertEquals(List.of(new PurgeOutcome.Purged(scenario.gone.publicKey())), after.outcomes());
            assertEquals(PurgeScenario.MESSAGES, scenario.liveMessages());
        }
    }

    @Test
    void shouldAskAgainAboutAnAccountKeptForItsConnectionsOnlyAfterADoublingWait() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            ManualClock clock = new ManualClock();
            JetStreamReconciler reconciler = JetStreamReconciler.of(scenario.settings(), clock);
            Connection client = scenario.streams(scenario.gone).connect();
            try {
                scenario.removeJwt(scenario.gone);

                // Grace zero: due at once, kept for its client. The next pass is not due now (a
                // caller scheduling a pass at nextDue() ran one pass after another), but 30 s on.
                assertEquals(PurgeSkipReason.HAS_CONNECTIONS, skipReason(reconciler.reconcile(), scenario.gone));
                assertEquals(Optional.of(clock.instant().plus(Duration.ofSeconds(30))), reconciler.nextDue());
                List<Duration> waits = new ArrayList<>();
                for (int pass = 0; pass < 5; pass++) {
                    clock.advance(Duration.between(
                            clock.instant(), reconciler.nextDue().orElseThrow()));
                    assertEquals(PurgeSkipReason.HAS_CONNECTIONS, skipReason(reconciler.reconcile(), scenario.gone));
                    waits.add(Duration.between(
                            clock.instant(), reconciler.nextDue().orElseThrow()));
                }
                assertEquals(
                        List.of(
                                Duration.ofMinutes(1),
                                Duration.ofMinutes(2),
                                Duration.ofMinutes(4),
                                Duration.ofMinutes(5),
                                Duration.ofMinutes(5)),
                        waits);
                assertEquals(PurgeScenario.MESSAGES, messages(scenario, scenario.gone));
            } finally {
                client.close();
            }
            // The client left: the next pass purges, and nothing waits any more.
            assertEquals(
                    List.of(new PurgeOutcome.Purged(scenario.gone.publicKey())),
                    reconciler.reconcile().outcomes());
            assertEquals(Optional.empty(), reconciler.nextDue());
        }
    }

    @Test
    void shouldNeverPurgeAnAccountThatALeafnodeStillUses() throws Exception {
        int leafPort = FreePorts.next();
        try (PurgeScenario scenario =
                PurgeScenario.start(dir, "leafnodes { listen: \"127.0.0.1:" + leafPort + "\" }", Optional.empty())) {
            JetStreamReconciler reconciler = JetStreamReconciler.of(scenario.settings());
            // An edge server whose leafnode signs in as a user of the account about to be removed:
            // the hub counts it as a leafnode connection, not as a client connection.
            NatsServerFixture leaf = NatsServerFixture.startWithConfig(
                    dir.resolve("leaf"),
                    "leafnodes { remotes: [ { url: \"nats-leaf://127.0.0.1:" + leafPort + "\", credentials: \""
                            + scenario.gone.credsFile() + "\" } ] }\n");
            try {
                Awaitility.await()
                        .atMost(Duration.ofSeconds(20))
                        .until(() -> leaf.log().contains("Leafnode connection created"));
                scenario.removeJwt(scenario.gone);

                PurgeReport report = reconciler.reconcile();

                assertEquals(PurgeSkipReason.HAS_CONNECTIONS, skipReason(report, scenario.gone));
                // LEAFZ's account filter counts it, whatever CONNZ does in this version.
                assertTrue(
                        report.outcomes().toString().contains(" 1 leafnode connection(s)"),
                        report.outcomes().toString());
                assertEquals(0, report.purged().size());
                assertEquals(PurgeScenario.MESSAGES, messages(scenario, scenario.gone));
            } finally {
                leaf.close();
            }
            // The leafnode is gone: its account's data goes with the next pass.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> reconciler.reconcile().purged().size() == 1);
            assertEquals(PurgeScenario.MESSAGES, scenario.liveMessages());
            assertFalse(Files.exists(scenario.storeDirOf(scenario.gone)));
        }
    }

    @Test
    void shouldRefuseCredsOfAnotherAccountNamingBothAccounts() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            scenario.removeJwt(scenario.gone);
            PurgeSettings.Builder wrong = scenario.builder().credsFile(scenario.live.credsFile());

            ReconcileException thrown = assertThrows(ReconcileException.class, wrong::build);

            assertTrue(
                    thrown.getMessage().contains("are a user of account '" + scenario.live.publicKey() + "'"),
                    thrown.getMessage());
            assertTrue(
                    thrown.getMessage()
                            .contains("expected the system account '"
                                    + scenario.operator.system().publicKey() + "'"),
                    thrown.getMessage());
            assertEquals(PurgeScenario.MESSAGES, messages(scenario, scenario.gone));
            assertEquals(PurgeScenario.MESSAGES, scenario.liveMessages());
        }
    }

    @Test
    void shouldRefuseAnotherAccountsUserSignedInThroughTheConnectionHook() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            scenario.removeJwt(scenario.gone);
            // In-memory creds through the hook: no file to read the account from, so the ping
            // (answered for the system account only) is what refuses them.
            byte[] liveCreds = Files.readAllBytes(scenario.live.credsFile());
            PurgeSettings hooked = scenario.builder()
                    .connection(PurgeSettings.ConnectionHook.options(
                            options -> options.authHandler(io.nats.client.Nats.staticCredentials(liveCreds))))
                    .build();

            ReconcileException thrown = assertThrows(
                    ReconcileException.class,
                    () -> JetStreamReconciler.of(hooked).reconcile());

            assertTrue(thrown.getMessage().contains("not a user of the system account"), thrown.getMessage());
            assertEquals(PurgeScenario.MESSAGES, messages(scenario, scenario.gone));
            assertEquals(PurgeScenario.MESSAGES, scenario.liveMessages());
        }
    }

    @Test
    void shouldSayAtOnceThatGarbageCredsHoldNoJwt() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            Path garbage = Files.writeString(dir.resolve("garbage.creds"), "not creds\n");
            PurgeSettings.Builder wrong = scenario.builder().credsFile(garbage);

            ReconcileException thrown = assertThrows(ReconcileException.class, wrong::build);

            assertTrue(thrown.getMessage().contains("'" + garbage + "' hold no JWT"), thrown.getMessage());
        }
    }

    @Test
    void shouldNameThePkixCauseWhenTheCaIsWrong() throws Exception {
        TlsFixture tls = TlsFixture.create(dir.resolve("tls"));
        TlsFixture other = TlsFixture.create(dir.resolve("other-tls"));
        try (PurgeScenario scenario =
                PurgeScenario.start(dir.resolve("op"), tls.serverConfigBlock(), Optional.of(tls.clientContext()))) {
            PurgeSettings wrongCa =
                    scenario.settings().toBuilder().caFile(other.caFile()).build();

            ReconcileException thrown = assertThrows(
                    ReconcileException.class,
                    () -> JetStreamReconciler.of(wrongCa).checkConnection());

            assertTrue(thrown.getMessage().startsWith("TLS with"), thrown.getMessage());
            assertTrue(thrown.getMessage().contains("PKIX"), thrown.getMessage());
        }
    }

    @Test
    void shouldPushOnlyAccountJwtsNeverWhatASymlinkPointsAt() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            String creds = Files.readString(scenario.operator.system().credsFile(), StandardCharsets.UTF_8);
            OperatorFixture.Account extra = scenario.operator.addAccount("extra");
            // A symlink named like an account JWT pointing at the system user's creds...
            Path link = scenario.operator.resolverDir().resolve(extra.publicKey() + ".jwt");
            Files.delete(link);
            Files.createSymbolicLink(link, scenario.operator.system().credsFile());
            // ... and a real account JWT under another account's key.
            String liveJwt = Files.readString(scenario.live.jwtFile(), StandardCharsets.UTF_8);
            OperatorFixture.Account renamed = scenario.operator.addAccount("renamed");
            Files.writeString(renamed.jwtFile(), liveJwt);
            List<String> received = new ArrayList<>();
            try (Connection spy = scenario.streams(scenario.operator.system()).connect()) {
                Subscription subscription = spy.subscribe(JetStreamReconciler.CLAIMS_UPDATE_SUBJECT);
                spy.flush(Duration.ofSeconds(5));
                JetStreamReconciler reconciler = JetStreamReconciler.of(scenario.settings());

                ClaimsPushReport first = reconciler.pushClaims();
                ClaimsPushReport second = reconciler.pushClaims();

                Message message;
                while ((message = subscription.nextMessage(Duration.ofSeconds(1))) != null) {
                    received.add(new String(message.getData(), StandardCharsets.UTF_8));
                }
                assertEquals(3, first.updated().size(), first.toString()); // system, live, gone
                assertFalse(first.updated().contains(extra.publicKey()));
                assertFalse(first.updated().contains(renamed.publicKey()));
                assertFalse(second.requestsSent(), "nothing changed since the first push");
            }
            assertEquals(3, received.size());
            for (String body : received) {
                assertFalse(creds.contains(body.strip()) && body.contains("SEED"), "creds were sent");
                assertFalse(body.contains("NKEY SEED"), "a seed was sent");
                assertEquals(2, body.chars().filter(c -> c == '.').count(), "not a JWT");
            }
            assertEquals(PurgeScenario.MESSAGES, scenario.liveMessages());
        }
    }

    @Test
    void shouldNeverRemoveOrPurgeAnAccountNatsServerWroteItself() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            Path resolver = scenario.operator.resolverDir();
            Path mount = Files.createDirectories(dir.resolve("mount"));
            for (OperatorFixture.Account account : List.of(scenario.operator.system(), scenario.live, scenario.gone)) {
                Files.copy(account.jwtFile(), mount.resolve(account.jwtFile().getFileName()));
            }
            Optional<String> system = Optional.of(scenario.operator.system().publicKey());
            JwtMountMirror.mirror(mount, resolver, system);
            // nsc push: the server writes the new account's JWT into its directory itself.
            OperatorFixture.Account pushed = scenario.operator.addAccount("pushed");
            String jwt = Files.readString(pushed.jwtFile(), StandardCharsets.UTF_8);
            Files.delete(pushed.jwtFile());
            try (Connection sys = scenario.streams(scenario.operator.system()).connect()) {
                Message reply = sys.request(
                        JetStreamReconciler.CLAIMS_UPDATE_SUBJECT,
                        jwt.getBytes(StandardCharsets.UTF_8),
                        Duration.ofSeconds(5));
                assertTrue(new String(reply.getData(), StandardCharsets.UTF_8).contains("\"data\""));
            }
            assertTrue(Files.isRegularFile(pushed.jwtFile()), "nats-server wrote the pushed JWT");
            scenario.streams(pushed).createWithMessages(PurgeScenario.STREAM, 300, 1);

            // An unrelated mount change: the mirror runs again, then a pass.
            Files.writeString(mount.resolve("unrelated.txt"), "x");
            JwtMountMirror.Result mirrored = JwtMountMirror.mirror(mount, resolver, system);
            PurgeReport report = JetStreamReconciler.of(scenario.settings()).reconcile();

            assertEquals(List.of(), mirrored.removed());
            assertTrue(Files.isRegularFile(pushed.jwtFile()));
            assertEquals(List.of(), report.outcomes());
            assertEquals(300, messages(scenario, pushed));
            assertEquals(PurgeScenario.MESSAGES, scenario.liveMessages());
        }
    }

    private static PurgeSkipReason skipReason(PurgeReport report, OperatorFixture.Account account) {
        return report.skipped().stream()
                .filter(s -> s.account().equals(account.publicKey()))
                .map(PurgeOutcome.Skipped::reason)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no skip for " + account.name() + " in " + report));
    }
}
