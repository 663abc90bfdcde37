package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.config.NatsConfigReader;
import com.datasance.pot.nats.config.ServerConfig;
import com.datasance.pot.nats.jetstream.PurgeReport;
import com.datasance.pot.nats.jetstream.PurgeSettings;
import com.datasance.pot.nats.jetstream.PurgeSkipReason;
import com.datasance.pot.nats.testkit.NatsServerFixture;
import com.datasance.pot.nats.testkit.OperatorFixture;
import com.datasance.pot.nats.testkit.PurgeFixture;
import com.datasance.pot.nats.testkit.WrapperEnvironment;
import com.datasance.pot.nats.watch.ChangeSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PurgeService} in-process against a real nats-server: the pass after a JWT change (the
 * watcher's call, made here directly), the restart request, the mount mirror before a reload, and
 * how the setup follows the config.
 */
class PurgeServiceTest {

    @TempDir
    Path dir;

    /** The seam the supervisor implements; records what was asked. */
    private final List<String> restarts = new CopyOnWriteArrayList<>();

    private static LauncherSettings settings(Map<String, String> env) throws UsageException {
        return LauncherSettings.fromEnvironment(env);
    }

    private static ChangeSet<ChangeCause> jwtChange(Path path) {
        return new ChangeSet<>(Set.of(ChangeCause.JWT), Instant.now(), Set.of(path));
    }

    private Optional<PurgeReport> passAfterChange(PurgeService service) throws Exception {
        return service.requestPass(PurgeService.Pass.AFTER_CHANGE).get(60, TimeUnit.SECONDS);
    }

    @Test
    void shouldPurgeOnceAndAskForOneRestartWhenRequestsArriveTogether() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir);
        try (NatsServerFixture server = fixture.startServer()) {
            Map<String, String> env = new HashMap<>(Wrapper.purgeEnv(fixture, server.clientUrl(), 1));
            env.put("NATS_RESTART_ON_ACCOUNT_REMOVAL", "true");
            try (PurgeService service = new PurgeService(settings(env), env, restarts::add)) {
                fixture.removeJwt(fixture.gone());
                List<java.util.concurrent.CompletableFuture<Optional<PurgeReport>>> requests =
                        new java.util.ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    requests.add(service.requestPass(PurgeService.Pass.AFTER_CHANGE));
                }
                java.util.Set<PurgeReport> distinct =
                        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                for (var request : requests) {
                    distinct.add(request.get(60, TimeUnit.SECONDS).orElseThrow());
                }

                // The library merged them: one purge in all, and one restart for it.
                assertEquals(
                        1, distinct.stream().mapToInt(r -> r.purged().size()).sum(), distinct.toString());
                assertTrue(distinct.size() <= 3, distinct.size() + " passes for 5 requests");
                assertEquals(1, restarts.size(), restarts.toString());
                assertEquals(
                        PurgeFixture.MESSAGES,
                        fixture.streams(server.clientUrl(), fixture.live()).messageCount(PurgeFixture.STREAM));
            }
        }
    }

    @Test
    void shouldPurgeAfterAJwtChangeAndAskForARestartWhenConfigured() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir);
        try (NatsServerFixture server = fixture.startServer()) {
            Map<String, String> env = new HashMap<>(Wrapper.purgeEnv(fixture, server.clientUrl(), 1));
            env.put("NATS_RESTART_ON_ACCOUNT_REMOVAL", "true");
            try (PurgeService service = new PurgeService(settings(env), env, restarts::add)) {
                fixture.removeJwt(fixture.gone());
                // What afterReload runs; a second request made while this pass runs would get the
                // follow-up pass's report (nothing left to purge), see the library's PassMergeTest.
                PurgeReport report = passAfterChange(service).orElseThrow();

                assertEquals(
                        List.of(fixture.gone().publicKey()),
                        report.purged().stream().map(p -> p.account()).toList(),
                        report.toString());
                assertFalse(Files.exists(fixture.storeDirOf(fixture.gone())));
                assertEquals(1, restarts.size(), restarts.toString());
                assertTrue(restarts.getFirst().startsWith("1 account(s) removed"), restarts.getFirst());
                assertEquals(
                        PurgeFixture.MESSAGES,
                        fixture.streams(server.clientUrl(), fixture.live()).messageCount(PurgeFixture.STREAM));
                assertTrue(fixture.streamOnDisk(fixture.live()));
            }
        }
    }

    @Test
    void shouldNotRunPassAfterPassForAnAccountKeptForItsClient() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir);
        try (NatsServerFixture server = fixture.startServer();
                io.nats.client.Connection client =
                        fixture.streams(server.clientUrl(), fixture.gone()).connect()) {
            Map<String, String> env = new HashMap<>(Wrapper.purgeEnv(fixture, server.clientUrl(), 1));
            env.put("NATS_PURGE_GRACE", "0s");
            try (PurgeService service = new PurgeService(settings(env), env, restarts::add)) {
                fixture.removeJwt(fixture.gone());
                PurgeReport report = passAfterChange(service).orElseThrow();
                assertEquals(
                        PurgeSkipReason.HAS_CONNECTIONS,
                        report.skipped().getFirst().reason(),
                        report.toString());

                // The grace period is over, yet the next pass is not due at once (it was: a pass
                // every ~330 ms while the client stayed) but after the library's first retry wait
                // (30 s; the margin is what this test may have taken since).
                java.time.Duration next = service.nextDuePassIn().orElseThrow();
                assertTrue(next.compareTo(java.time.Duration.ofSeconds(20)) > 0, next.toString());
                assertTrue(fixture.streamOnDisk(fixture.gone()));
            }
        }
    }

    @Test
    void shouldNotAskForARestartByDefault() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir);
        try (NatsServerFixture server = fixture.startServer()) {
            Map<String, String> env = Wrapper.purgeEnv(fixture, server.clientUrl(), 1);
            try (PurgeService service = new PurgeService(settings(env), env, restarts::add)) {
                fixture.removeJwt(fixture.gone());
                PurgeReport report = passAfterChange(service).orElseThrow();

                assertEquals(1, report.purged().size());
                assertEquals(List.of(), restarts);
            }
        }
    }

    @Test
    void shouldPushClaimsAfterAChangeSoAnUpdatedLimitAppliesWithoutRestart() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir);
        try (NatsServerFixture server = fixture.startServer()) {
            Map<String, String> env = Wrapper.purgeEnv(fixture, server.clientUrl(), 1);
            try (PurgeService service = new PurgeService(settings(env), env, restarts::add)) {
                Map<String, Object> limits =
                        new HashMap<>(com.datasance.pot.nats.testkit.NatsJwt.unlimitedAccountLimits());
                limits.put("streams", 5);
                fixture.operator().reissue(fixture.live(), limits);
                PurgeReport report = passAfterChange(service).orElseThrow();
                service.awaitClaimsPush(java.time.Duration.ofSeconds(30));

                assertEquals(List.of(), report.purged());
                assertEquals(
                        5, fixture.streams(server.clientUrl(), fixture.live()).maxStreams());
            }
        }
    }

    @Test
    void shouldPurgeOnlyOnceTheGracePeriodIsOverWithoutAnotherChange() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir);
        try (NatsServerFixture server = fixture.startServer()) {
            Map<String, String> env = new HashMap<>(Wrapper.purgeEnv(fixture, server.clientUrl(), 1));
            env.put("NATS_PURGE_GRACE", "2s");
            try (PurgeService service = new PurgeService(settings(env), env, restarts::add)) {
                fixture.removeJwt(fixture.gone());
                PurgeReport first = passAfterChange(service).orElseThrow();

                assertEquals(
                        List.of(PurgeSkipReason.IN_GRACE_PERIOD),
                        first.skipped().stream().map(s -> s.reason()).toList());
                assertEquals(
                        PurgeFixture.MESSAGES,
                        fixture.streams(server.clientUrl(), fixture.gone()).messageCount(PurgeFixture.STREAM));
                // The due pass runs by itself when the grace period is over.
                org.awaitility.Awaitility.await()
                        .atMost(java.time.Duration.ofSeconds(30))
                        .until(() -> !Files.exists(fixture.storeDirOf(fixture.gone())));
                assertEquals(
                        PurgeFixture.MESSAGES,
                        fixture.streams(server.clientUrl(), fixture.live()).messageCount(PurgeFixture.STREAM));
            }
        }
    }

    @Test
    void shouldPurgeNothingWithACacheResolverWhoseFilesNatsServerEvicts() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir);
        Files.writeString(
                fixture.config(),
                Files.readString(fixture.config())
                        .replace("type: full", "type: cache")
                        .replace("allow_delete: false", "limit: 3")
                        .replace("interval: \"2m\"", "ttl: \"20s\""));
        try (NatsServerFixture server = fixture.startServer()) {
            Map<String, String> env = Wrapper.purgeEnv(fixture, server.clientUrl(), 1);
            try (PurgeService service = new PurgeService(settings(env), env, restarts::add)) {
                // What nats-server's own eviction (TTL, 'limit') does to a cache directory.
                fixture.removeJwt(fixture.gone());

                Optional<PurgeReport> report = passAfterChange(service);

                assertEquals(Optional.empty(), report);
                assertTrue(PurgeService.Setup.of(
                                settings(env), NatsConfigReader.readServerConfig(fixture.config(), Map.of()))
                        .purgeOff()
                        .orElseThrow()
                        .contains("'cache' resolver"));
                assertEquals(
                        PurgeFixture.MESSAGES,
                        fixture.streams(server.clientUrl(), fixture.gone()).messageCount(PurgeFixture.STREAM));
                assertEquals(
                        PurgeFixture.MESSAGES,
                        fixture.streams(server.clientUrl(), fixture.live()).messageCount(PurgeFixture.STREAM));
            }
        }
    }

    @Test
    void shouldRunNoPurgeAtStartWhenTheCredsAreNotTheSystemAccounts() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir);
        try (NatsServerFixture server = fixture.startServer()) {
            Map<String, String> env = new HashMap<>(Wrapper.purgeEnv(
                    fixture, server.clientUrl(), server.monitoring().port()));
            env.put("NATS_SYS_USER_CRED_PATH", fixture.live().credsFile().toString());
            try (PurgeService service = new PurgeService(settings(env), env, restarts::add)) {
                fixture.removeJwt(fixture.gone());

                Optional<PurgeReport> report =
                        service.requestPass(PurgeService.Pass.STARTUP).get(60, TimeUnit.SECONDS);

                assertEquals(Optional.empty(), report);
                assertEquals(
                        PurgeFixture.MESSAGES,
                        fixture.streams(server.clientUrl(), fixture.gone()).messageCount(PurgeFixture.STREAM));
            }
        }
    }

    @Test
    void shouldRunTheStartupPassAgainUntilTheClientPortOpens() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir);
        NatsServerFixture server = fixture.startServer();
        String url = server.clientUrl();
        server.close(); // its port is free now: nothing listens at NATS_CLIENT_URL
        fixture.removeJwt(fixture.gone());
        // No monitoring port: the pass waits 1 s for the connection, as one would after /varz answered.
        Map<String, String> env = WrapperEnvironment.builder(fixture.config())
                .operator(fixture.operator())
                .clientUrl(url)
                .set("NATS_PURGE_GRACE", "0")
                .build();
        try (PurgeService service =
                new PurgeService(settings(env), env, restarts::add, java.time.Duration.ofSeconds(1))) {
            Optional<PurgeReport> refused =
                    service.requestPass(PurgeService.Pass.STARTUP).get(60, TimeUnit.SECONDS);
            assertEquals(Optional.empty(), refused);
            assertTrue(Files.exists(fixture.storeDirOf(fixture.gone())));

            // The client port opens only now (same ports): the retried pass connects and purges.
            server.restart();
            try {
                org.awaitility.Awaitility.await()
                        .atMost(java.time.Duration.ofSeconds(60))
                        .until(() -> !Files.exists(fixture.storeDirOf(fixture.gone())));
                assertEquals(
                        PurgeFixture.MESSAGES,
                        fixture.streams(server.clientUrl(), fixture.live()).messageCount(PurgeFixture.STREAM));
                assertEquals(List.of(), restarts);
            } finally {
                server.close();
            }
        }
    }

    @Test
    void shouldStopRetryingWhenClosedWhileNothingListens() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir);
        Map<String, String> env = WrapperEnvironment.builder(fixture.config())
                .operator(fixture.operator())
                .clientUrl("nats://127.0.0.1:" + com.datasance.pot.nats.testkit.FreePorts.next())
                .set("NATS_PURGE_GRACE", "0")
                .build();
        PurgeService service = new PurgeService(settings(env), env, restarts::add, java.time.Duration.ofSeconds(1));
        assertEquals(
                Optional.empty(), service.requestPass(PurgeService.Pass.STARTUP).get(60, TimeUnit.SECONDS));
        assertTrue(service.notReadyRetryPending());
        service.close();
        assertFalse(service.notReadyRetryPending());
        assertTrue(Files.exists(fixture.storeDirOf(fixture.gone())));
    }

    @Test
    void shouldSayOnceThatTheCredsAreNotTheSystemAccountsWhenTwoPassesReadThem() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir);
        Map<String, String> env = new HashMap<>(Wrapper.purgeEnv(fixture, "nats://127.0.0.1:1", 1));
        env.put("NATS_SYS_USER_CRED_PATH", fixture.live().credsFile().toString());
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stderr = System.err;
        // The launcher's logger writes to System.err as it is at each line.
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try (PurgeService service = new PurgeService(settings(env), env, restarts::add)) {
            var startup = service.requestPass(PurgeService.Pass.STARTUP);
            var afterChange = service.requestPass(PurgeService.Pass.AFTER_CHANGE);
            assertEquals(Optional.empty(), startup.get(60, TimeUnit.SECONDS));
            assertEquals(Optional.empty(), afterChange.get(60, TimeUnit.SECONDS));
        } finally {
            System.setErr(stderr);
        }
        String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        stderr.print(log);
        assertEquals(1, log.split("are a user of account", -1).length - 1, log);
        assertTrue(log.contains("[ERR] JetStream purge pass failed: NATS_CONF"), log);
    }

    @Test
    void shouldMirrorTheMountBeforeAReload() throws Exception {
        OperatorFixture operator = OperatorFixture.create(dir.resolve("operator"));
        OperatorFixture.Account account = operator.addAccount("app");
        String name = account.publicKey() + ".jwt";
        Path mount = Files.createDirectories(dir.resolve("mount"));
        Path jwtDir = Files.createDirectories(dir.resolve("jwt"));
        Files.copy(account.jwtFile(), mount.resolve(name));
        Map<String, String> env = Map.of(
                "NATS_CONF", dir.resolve("server.conf").toString(),
                "NATS_JWT_DIR", jwtDir.toString(),
                "NATS_JWT_MOUNT_DIR", mount.toString());
        try (PurgeService service = new PurgeService(settings(env), env, restarts::add)) {
            service.beforeReload(jwtChange(mount.resolve(name)));
            assertEquals(Files.readString(account.jwtFile()), Files.readString(jwtDir.resolve(name)));
        }
    }

    @Test
    void shouldCompleteEmptyAndLogWhenTheConfigCannotBeRead() throws Exception {
        Map<String, String> env =
                Map.of("NATS_CONF", dir.resolve("missing.conf").toString());
        try (PurgeService service = new PurgeService(settings(env), env, restarts::add)) {
            assertEquals(Optional.empty(), passAfterChange(service));
        }
    }

    @Test
    void shouldRunNoPassAfterClose() throws Exception {
        Map<String, String> env =
                Map.of("NATS_CONF", dir.resolve("missing.conf").toString());
        PurgeService service = new PurgeService(settings(env), env, restarts::add);
        service.close();
        assertEquals(
                Optional.empty(), service.requestPass(PurgeService.Pass.STARTUP).get(10, TimeUnit.SECONDS));
    }

    // ---- Setup: what the config and the environment allow ----

    private ServerConfig config(String text) throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, text);
        return NatsConfigReader.readServerConfig(conf, Map.of());
    }

    @Test
    void shouldTurnEverythingOffWithoutOperatorMode() throws Exception {
        ServerConfig config = config("jetstream: enabled\naccounts { A { jetstream: enabled } }\n");
        PurgeService.Setup setup = PurgeService.Setup.of(
                settings(Map.of("NATS_CONF", dir.resolve("server.conf").toString())), config);
        assertEquals(Optional.empty(), setup.settings());
        assertTrue(setup.purgeOff().orElseThrow().contains("does not run in operator mode"));
    }

    @Test
    void shouldTurnEverythingOffWhenTheResolverIsNotNatsJwtDir() throws Exception {
        PurgeFixture fixture = PurgeFixture.create(dir, "");
        Map<String, String> env = new HashMap<>(Wrapper.purgeEnv(fixture, "nats://127.0.0.1:4999", 1));
        env.put("NATS_JWT_DIR", dir.resolve("elsewhere").toString());
        PurgeService.Setup setup =
                PurgeService.Setup.of(settings(env), NatsConfigReader.readServerConfig(fixture.config(), env));
        assertEquals(Optional.empty(), setup.settings());
        assertTrue(
                setup.purgeOff().orElseThrow().contains("not in NATS_JWT_DIR"),
                setup.purgeOff().get());
    }

    @Test
    void shouldKeepTheClaimsPushButNoPurgeWithoutJetStream() throws Exception {
        PurgeFixture fixture = PurgeFixture.create(dir, "");
        String text = Files.readString(fixture.config()).replaceAll("(?s)jetstream \\{.*?}\n", "");
        Files.writeString(fixture.config(), text);
        Map<String, String> env = Wrapper.purgeEnv(fixture, "nats://127.0.0.1:4999", 1);
        PurgeService.Setup setup =
                PurgeService.Setup.of(settings(env), NatsConfigReader.readServerConfig(fixture.config(), env));
        assertTrue(setup.settings().isPresent());
        assertTrue(
                setup.purgeOff().orElseThrow().contains("does not enable JetStream"),
                setup.purgeOff().get());
    }

    @Test
    void shouldUseTheEnvironmentStoreDirCredsAndTheCaOfNatsSslDirForTls() throws Exception {
        PurgeFixture fixture = PurgeFixture.create(dir, "");
        Path ssl = Files.createDirectories(dir.resolve("certs"));
        Files.writeString(ssl.resolve("ca.pem"), "pem");
        Files.writeString(ssl.resolve("ca.crt"), "crt");
        Map<String, String> env = new HashMap<>(Wrapper.purgeEnv(fixture, "tls://127.0.0.1:4999", 1));
        env.put("NATS_SSL_DIR", ssl.toString());
        env.put("NATS_JETSTREAM_STORE_DIR", "other-store");
        PurgeService.Setup setup =
                PurgeService.Setup.of(settings(env), NatsConfigReader.readServerConfig(fixture.config(), env));
        PurgeSettings purge = setup.settings().orElseThrow();
        assertEquals(Optional.empty(), setup.purgeOff());
        assertEquals(Optional.of(fixture.config().resolveSibling("other-store")), purge.storeDir());
        assertEquals(Optional.of(ssl.resolve("ca.crt")), purge.caFile());
        assertEquals(Optional.of(fixture.operator().system().credsFile()), purge.credsFile());
        assertEquals(
                fixture.operator().system().publicKey(), purge.systemAccount().orElseThrow());
    }

    @Test
    void shouldTrustNoExtraCaForPlainNats() throws Exception {
        PurgeFixture fixture = PurgeFixture.create(dir, "");
        Path ssl = Files.createDirectories(dir.resolve("certs"));
        Files.writeString(ssl.resolve("ca.crt"), "crt");
        Map<String, String> env = new HashMap<>(Wrapper.purgeEnv(fixture, "nats://127.0.0.1:4999", 1));
        env.put("NATS_SSL_DIR", ssl.toString());
        env.remove("NATS_SYS_USER_CRED_PATH");
        PurgeSettings purge = PurgeService.Setup.of(
                        settings(env), NatsConfigReader.readServerConfig(fixture.config(), env))
                .settings()
                .orElseThrow();
        assertEquals(Optional.empty(), purge.caFile());
        assertEquals(Optional.empty(), purge.credsFile());
        assertEquals(Optional.of(fixture.operator().storeDir()), purge.storeDir());
    }
}
