package com.datasance.pot.nats.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.NatsJwt;
import com.datasance.pot.nats.testkit.TlsFixture;
import io.nats.client.NKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Purge passes against a real nats-server 2.9 in operator mode. Every test keeps a live account
 * with a stream and checks afterwards that its messages and files are all still there.
 */
class PurgeIntegrationTest {

    @TempDir
    Path dir;

    private static void assertLiveIntact(PurgeScenario scenario) throws Exception {
        assertEquals(PurgeScenario.MESSAGES, scenario.liveMessages());
        assertTrue(scenario.liveStreamOnDisk(), "live account's stream directory is gone");
    }

    private static void assertGoneIntact(PurgeScenario scenario) {
        assertTrue(Files.isDirectory(scenario.storeDirOf(scenario.gone).resolve("streams")));
    }

    @Test
    void shouldPurgeRemovedAccountWhileServerRuns() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            assertGoneIntact(scenario);
            scenario.removeJwt(scenario.gone);

            PurgeReport report = JetStreamReconciler.of(scenario.settings()).reconcile();

            assertEquals(List.of(new PurgeOutcome.Purged(scenario.gone.publicKey())), report.outcomes());
            assertTrue(report.requestsSent());
            assertTrue(report.succeeded());
            assertFalse(Files.exists(scenario.storeDirOf(scenario.gone)));
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldPurgeAccountRemovedWhileServerWasDown() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            scenario.server.close();
            scenario.removeJwt(scenario.gone);
            scenario.server.restart();

            PurgeReport report = JetStreamReconciler.of(scenario.settings()).reconcile();

            assertEquals(List.of(new PurgeOutcome.Purged(scenario.gone.publicKey())), report.outcomes());
            assertFalse(Files.exists(scenario.storeDirOf(scenario.gone)));
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldWaitForServerThatIsNotReadyYet() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            scenario.server.close();
            scenario.removeJwt(scenario.gone);
            JetStreamReconciler reconciler = JetStreamReconciler.of(scenario.settings());

            CompletableFuture<PurgeReport> pass = CompletableFuture.supplyAsync(() -> {
                try {
                    return reconciler.reconcile();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertFalse(pass.isDone(), "the pass cannot finish while nats-server is down");
            scenario.server.restart();

            PurgeReport report = pass.get(60, TimeUnit.SECONDS);
            assertEquals(List.of(new PurgeOutcome.Purged(scenario.gone.publicKey())), report.outcomes());
            assertFalse(Files.exists(scenario.storeDirOf(scenario.gone)));
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldFailWithMessageWhenServerNeverComes() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            scenario.removeJwt(scenario.gone);
            PurgeSettings settings = scenario.settings();
            PurgeSettings unreachable = settings.toBuilder()
                    .clientUrl("nats://127.0.0.1:" + com.datasance.pot.nats.testkit.FreePorts.next())
                    .readyTimeout(java.time.Duration.ofMillis(300))
                    .requestAttempts(1)
                    .build();

            ReconcileException thrown = assertThrows(
                    ReconcileException.class,
                    () -> JetStreamReconciler.of(unreachable).reconcile());

            assertTrue(thrown.getMessage().contains("nothing accepted a connection at"), thrown.getMessage());
            assertGoneIntact(scenario);
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldSendNothingWithoutCreds() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            scenario.removeJwt(scenario.gone);
            PurgeSettings withoutCreds = scenario.builder().build();

            PurgeReport report = JetStreamReconciler.of(withoutCreds).reconcile();

            assertEquals(List.of(new PurgeOutcome.Planned(scenario.gone.publicKey())), report.outcomes());
            assertFalse(report.requestsSent());
            assertGoneIntact(scenario);
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldOnlyReportOnDryRun() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            scenario.removeJwt(scenario.gone);

            PurgeReport report = JetStreamReconciler.of(scenario.settings()).dryRun();

            assertEquals(List.of(new PurgeOutcome.Planned(scenario.gone.publicKey())), report.outcomes());
            assertFalse(report.requestsSent());
            assertGoneIntact(scenario);
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldPurgeNothingWhenNotInOperatorMode() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            scenario.removeJwt(scenario.gone);
            // No resolver directory given: the settings are not in operator mode.
            PurgeSettings flagOff = PurgeSettings.builder()
                    .storeDir(scenario.operator.storeDir())
                    .clientUrl(scenario.clientUrl())
                    .credsFile(scenario.operator.system().credsFile())
                    .grace(java.time.Duration.ZERO)
                    .build();

            PurgeReport report = JetStreamReconciler.of(flagOff).reconcile();

            assertTrue(report.purged().isEmpty());
            assertTrue(report.skipped().stream()
                    .allMatch(s -> s.reason() == PurgeSkipReason.NOT_OPERATOR_MODE_WITH_RESOLVER_DIR));
            assertFalse(report.requestsSent());
            assertGoneIntact(scenario);
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldPurgeNothingWhenResolverDirIsEmpty() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            scenario.removeJwt(scenario.gone);
            scenario.removeJwt(scenario.live);
            scenario.removeJwt(scenario.operator.system());

            PurgeReport report = JetStreamReconciler.of(scenario.settings()).reconcile();

            assertTrue(report.purged().isEmpty());
            assertTrue(report.warning().isPresent());
            assertTrue(report.outcomes()
                    .contains(new PurgeOutcome.Skipped(scenario.gone.publicKey(), PurgeSkipReason.RESOLVER_DIR_EMPTY)));
            assertTrue(report.outcomes()
                    .contains(new PurgeOutcome.Skipped(scenario.live.publicKey(), PurgeSkipReason.RESOLVER_DIR_EMPTY)));
            assertGoneIntact(scenario);
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldPurgeNothingWhenOnlyTheSystemJwtIsLeft() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            scenario.removeJwt(scenario.gone);
            scenario.removeJwt(scenario.live);

            PurgeReport report = JetStreamReconciler.of(scenario.settings()).reconcile();

            assertTrue(report.purged().isEmpty());
            assertTrue(report.warning().orElseThrow().contains("no account JWT other than the system account's"));
            assertEquals(2, report.skipped().size());
            assertGoneIntact(scenario);
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldPurgeNothingWhenTheOnlyOtherJwtFileIsEmptied() throws Exception {
        // An emptied Secret value (or nats-server rewriting it in place): the live account's name
        // is there, its content is not an account JWT, and the removed account must not be purged
        // on the strength of it.
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            scenario.removeJwt(scenario.gone);
            Files.writeString(scenario.operator.resolverDir().resolve(scenario.live.publicKey() + ".jwt"), "");

            PurgeReport report = JetStreamReconciler.of(scenario.settings()).reconcile();

            assertTrue(report.purged().isEmpty(), report.toString());
            assertTrue(report.warning().orElseThrow().contains("no account JWT other than the system account's"));
            assertGoneIntact(scenario);
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldStopWhenTheOnlyOtherJwtIsEmptiedDuringThePass() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            scenario.removeJwt(scenario.gone);
            JetStreamReconciler reconciler = JetStreamReconciler.of(scenario.settings());
            PurgePlan plan = reconciler.plan();
            Files.writeString(scenario.operator.resolverDir().resolve(scenario.live.publicKey() + ".jwt"), "garbage");

            PurgeReport report = reconciler.execute(plan);

            assertEquals(
                    List.of(new PurgeOutcome.Skipped(
                            scenario.gone.publicKey(), PurgeSkipReason.RESOLVER_DIR_EMPTY, "changed during the pass")),
                    report.outcomes());
            assertGoneIntact(scenario);
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldPurgeNothingWhenResolverDirIsMissing() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            PurgeSettings settings = scenario.settings();
            PurgeSettings missing =
                    settings.toBuilder().resolverDir(dir.resolve("not-mounted")).build();

            PurgeReport report = JetStreamReconciler.of(missing).reconcile();

            assertTrue(report.purged().isEmpty());
            assertTrue(report.warning().isPresent());
            assertTrue(report.skipped().stream().allMatch(s -> s.reason() == PurgeSkipReason.RESOLVER_DIR_UNREADABLE));
            assertGoneIntact(scenario);
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldSkipNamesThatAreNotAccountKeys() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            scenario.removeJwt(scenario.gone);
            Path accounts = scenario.operator.storeDir().resolve("jetstream");
            List<String> bad = List.of(
                    "*", ">", "not-a-key", "$G", scenario.gone.publicKey().toLowerCase(java.util.Locale.ROOT));
            for (String name : bad) {
                Files.createDirectories(accounts.resolve(name).resolve("streams"));
            }

            PurgeReport report = JetStreamReconciler.of(scenario.settings()).reconcile();

            assertEquals(List.of(new PurgeOutcome.Purged(scenario.gone.publicKey())), report.purged());
            for (String name : bad) {
                assertTrue(
                        report.outcomes().contains(new PurgeOutcome.Skipped(name, PurgeSkipReason.NOT_AN_ACCOUNT_KEY)));
                assertTrue(Files.isDirectory(accounts.resolve(name).resolve("streams")), name);
            }
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldNeverSendAPurgeForANameThatIsNotAnAccountKey() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            JetStreamReconciler reconciler = JetStreamReconciler.of(scenario.settings());
            for (String name : List.of("/", "*", "..", "")) {
                PurgePlan forged = new PurgePlan(List.of(new PurgeOutcome.Planned(name)), Optional.empty());

                assertThrows(IllegalStateException.class, () -> reconciler.execute(forged), name);
            }
            assertGoneIntact(scenario);
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldNotFollowSymlinkedDirectories() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            scenario.removeJwt(scenario.gone);
            String linkName = NatsJwt.publicKey(NKey.createAccount(new SecureRandom()));
            Path link = scenario.operator.storeDir().resolve("jetstream").resolve(linkName);
            Files.createSymbolicLink(link, scenario.storeDirOf(scenario.live));

            PurgeReport report = JetStreamReconciler.of(scenario.settings()).reconcile();

            assertTrue(report.outcomes().contains(new PurgeOutcome.Skipped(linkName, PurgeSkipReason.SYMLINK)));
            assertTrue(Files.isSymbolicLink(link));
            assertEquals(List.of(new PurgeOutcome.Purged(scenario.gone.publicKey())), report.purged());
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldNeverPurgeTheSystemAccountsMetaDirectory() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            String system = scenario.operator.system().publicKey();
            Path meta = scenario.operator
                    .storeDir()
                    .resolve("jetstream")
                    .resolve(system)
                    .resolve("_js_");
            Files.createDirectories(meta.resolve("_meta_"));
            scenario.removeJwt(scenario.operator.system());
            scenario.removeJwt(scenario.gone);

            PurgeReport report = JetStreamReconciler.of(scenario.settings()).reconcile();

            assertTrue(report.outcomes().contains(new PurgeOutcome.Skipped(system, PurgeSkipReason.SYSTEM_ACCOUNT)));
            assertEquals(List.of(new PurgeOutcome.Purged(scenario.gone.publicKey())), report.purged());
            assertTrue(Files.isDirectory(meta.resolve("_meta_")));

            // Without the system account's key, the '_js_' directory alone still protects it.
            // Without the key (settings refuse to be built so; the rule set alone is asked here),
            // the '_js_' directory alone still protects it.
            PurgePlan second = PurgePlan.compute(
                    Directories.storeExcept(scenario.operator.storeDir(), java.util.Set.of()),
                    Directories.resolver(Optional.of(scenario.operator.resolverDir()), Optional.empty()),
                    Optional.empty());

            assertEquals(List.of(new PurgeOutcome.Skipped(system, PurgeSkipReason.SYSTEM_ACCOUNT)), second.outcomes());
            assertTrue(Files.isDirectory(meta.resolve("_meta_")));
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldSkipAccountWhoseJwtIsBackBeforeTheRequest() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            byte[] jwt = Files.readAllBytes(scenario.gone.jwtFile());
            scenario.removeJwt(scenario.gone);
            JetStreamReconciler reconciler = JetStreamReconciler.of(scenario.settings());
            PurgePlan plan = reconciler.plan();
            assertEquals(List.of(scenario.gone.publicKey()), plan.toPurge());
            Files.write(scenario.gone.jwtFile(), jwt);

            PurgeReport report = reconciler.execute(plan);

            assertEquals(
                    List.of(new PurgeOutcome.Skipped(scenario.gone.publicKey(), PurgeSkipReason.BACK_IN_RESOLVER)),
                    report.outcomes());
            assertEquals(PurgeScenario.MESSAGES, scenario.streams(scenario.gone).messageCount(PurgeScenario.STREAM));
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldStopWhenResolverDirEmptiesDuringThePass() throws Exception {
        try (PurgeScenario scenario = PurgeScenario.start(dir)) {
            scenario.removeJwt(scenario.gone);
            JetStreamReconciler reconciler = JetStreamReconciler.of(scenario.settings());
            PurgePlan plan = reconciler.plan();
            scenario.removeJwt(scenario.live);

            PurgeReport report = reconciler.execute(plan);

            assertEquals(
                    List.of(new PurgeOutcome.Skipped(
                            scenario.gone.publicKey(), PurgeSkipReason.RESOLVER_DIR_EMPTY, "changed during the pass")),
                    report.outcomes());
            assertTrue(report.warning().isPresent());
            assertGoneIntact(scenario);
            assertLiveIntact(scenario);
        }
    }

    @Test
    void shouldPurgeOverTls() throws Exception {
        TlsFixture tls = TlsFixture.create(dir.resolve("tls"));
        try (PurgeScenario scenario =
                PurgeScenario.start(dir.resolve("op"), tls.serverConfigBlock(), Optional.of(tls.clientContext()))) {
            scenario.removeJwt(scenario.gone);
            PurgeSettings settings =
                    scenario.settings().toBuilder().caFile(tls.caFile()).build();
            assertTrue(settings.clientUrl().startsWith("tls://"));

            PurgeReport report = JetStreamReconciler.of(settings).reconcile();

            assertEquals(List.of(new PurgeOutcome.Purged(scenario.gone.publicKey())), report.outcomes());
            assertFalse(Files.exists(scenario.storeDirOf(scenario.gone)));
            assertLiveIntact(scenario);
        }
    }
}
