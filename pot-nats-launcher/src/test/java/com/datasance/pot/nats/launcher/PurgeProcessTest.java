package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.Monitoring;
import com.datasance.pot.nats.testkit.NatsServerFixture;
import com.datasance.pot.nats.testkit.PurgeFixture;
import com.datasance.pot.nats.testkit.WrapperEnvironment;
import io.nats.client.Connection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Purge reconciliation through the launcher as a real process, in operator mode against the real
 * nats-server: the startup pass of {@code pot-nats run}, and {@code pot-nats reconcile}. Each test
 * checks that the live account keeps its messages and its files.
 */
class PurgeProcessTest {

    @TempDir
    Path dir;

    private final WrapperEnvironment ports = WrapperEnvironment.onFreePorts();
    private final Monitoring monitoring = ports.monitoring();

    private String url() {
        return ports.clientUrl();
    }

    private Wrapper run(Map<String, String> env) {
        return Wrapper.start(dir, env, ports.listenArguments().toArray(String[]::new));
    }

    private void assertLiveIntact(PurgeFixture fixture, String url) throws Exception {
        assertEquals(PurgeFixture.MESSAGES, fixture.streams(url, fixture.live()).messageCount(PurgeFixture.STREAM));
        assertTrue(fixture.streamOnDisk(fixture.live()), "live account's stream files");
    }

    @Test
    void shouldPurgeAtStartupAnAccountRemovedWhileTheWrapperWasDown() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir.resolve("tree"));
        fixture.removeJwt(fixture.gone());
        try (Wrapper wrapper = run(Wrapper.purgeEnv(fixture, url(), monitoring.port()))) {
            wrapper.awaitStarted();
            wrapper.awaitOutput("JetStream purge pass: ");
            String output = wrapper.output();
            assertTrue(output.contains("purged account '" + fixture.gone().publicKey() + "'"), output);
            assertTrue(output.contains("JetStream purge pass: 1 planned, 1 purged"), output);
            assertFalse(Files.exists(fixture.storeDirOf(fixture.gone())), "gone account's data");
            assertLiveIntact(fixture, url());
        }
    }

    @Test
    void shouldSayAtOnceThatAFifoAsSystemCredsIsNotAFile() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir.resolve("tree"));
        Path fifo = dir.resolve("evil.creds");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo");
        Map<String, String> env = Wrapper.purgeEnv(fixture, url(), monitoring.port());
        env.put("NATS_SYS_USER_CRED_PATH", fifo.toString());
        try (Wrapper wrapper = run(env)) {
            wrapper.awaitStarted();
            // It hung in open() for good: no [ERR], no pass, and a stop waiting on it.
            wrapper.awaitOutput("[ERR] JetStream purge pass failed: ");
            String output = wrapper.output();
            assertTrue(output.contains(fifo + "' is not a regular file (a FIFO, socket or device)"), output);
        }
        assertTrue(fixture.streamOnDisk(fixture.gone()), "nothing purged");
    }

    @Test
    void shouldPurgeAnAccountWhoseJwtIsRemovedWhileTheWrapperRuns() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir.resolve("tree"));
        Map<String, String> env = Wrapper.purgeEnv(fixture, url(), monitoring.port());
        env.put("NATS_RELOAD_DEBOUNCE", "100ms");
        try (Wrapper wrapper = run(env)) {
            wrapper.awaitStarted();
            wrapper.awaitOutput("JetStream purge pass: 0 planned, 0 purged");
            assertTrue(fixture.streamOnDisk(fixture.gone()), "both accounts are live at start");

            fixture.removeJwt(fixture.gone());

            // The watcher sees the resolver change, nats-server reloads, then the pass purges the
            // account that left and the claims of the rest are pushed.
            wrapper.awaitOutput("purged account '" + fixture.gone().publicKey() + "'");
            wrapper.awaitOutput("claims push: ");
            String output = wrapper.output();
            assertTrue(output.contains("reloaded nats-server"), output);
            assertFalse(Files.exists(fixture.storeDirOf(fixture.gone())), "removed account's data");
            assertLiveIntact(fixture, url());
        }
    }

    @Test
    void shouldOnlyLogThePlanAtStartupWithoutSystemCreds() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir.resolve("tree"));
        fixture.removeJwt(fixture.gone());
        Map<String, String> env = Wrapper.purgeEnv(fixture, url(), monitoring.port());
        env.remove("NATS_SYS_USER_CRED_PATH");
        try (Wrapper wrapper = run(env)) {
            wrapper.awaitStarted();
            wrapper.awaitOutput("JetStream purge pass: ");
            String output = wrapper.output();
            assertTrue(output.contains("would purge account '" + fixture.gone().publicKey() + "'"), output);
            assertTrue(output.contains("no system-user creds configured, nothing sent"), output);
            monitoring.awaitHealthy(Duration.ofSeconds(20));
            assertTrue(fixture.streamOnDisk(fixture.gone()), "gone account's data kept without creds");
            assertLiveIntact(fixture, url());
        }
    }

    @Test
    void shouldSayOnceThatReconciliationIsOffWithoutOperatorMode() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "jetstream { store_dir: \"" + dir.resolve("store") + "\" }\n");
        Map<String, String> env = ports.env(conf).clientUrl(url()).build();
        try (Wrapper wrapper = run(env)) {
            wrapper.awaitStarted();
            wrapper.awaitOutput("JetStream purge reconciliation is off: ");
            assertTrue(wrapper.output().contains("does not run in operator mode"), wrapper.output());
            assertFalse(wrapper.output().contains("JetStream purge pass: "), wrapper.output());
        }
    }

    @Test
    void shouldMirrorTheJwtMountBeforeNatsServerStarts() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir.resolve("tree"));
        // The mount holds the JWTs; the resolver directory starts without the live account's.
        Path mount = Files.createDirectories(dir.resolve("mount"));
        for (Path jwt :
                List.of(fixture.live().jwtFile(), fixture.operator().system().jwtFile())) {
            Files.copy(jwt, mount.resolve(jwt.getFileName()));
        }
        Files.delete(fixture.live().jwtFile());
        fixture.removeJwt(fixture.gone());
        Map<String, String> env = Wrapper.purgeEnv(fixture, url(), monitoring.port());
        env.put("NATS_JWT_MOUNT_DIR", mount.toString());
        try (Wrapper wrapper = run(env)) {
            wrapper.awaitStarted();
            wrapper.awaitOutput("JetStream purge pass: ");
            assertTrue(Files.exists(fixture.live().jwtFile()), "live JWT mirrored from the mount");
            String output = wrapper.output();
            assertTrue(output.contains("mirrored NATS_JWT_MOUNT_DIR '" + mount + "'"), output);
            assertTrue(output.contains("purged account '" + fixture.gone().publicKey() + "'"), output);
            assertLiveIntact(fixture, url());
        }
    }

    @Test
    void shouldPrintThePlanOfReconcileDryRunAndChangeNothing() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir.resolve("tree"));
        try (NatsServerFixture server = fixture.startServer()) {
            fixture.removeJwt(fixture.gone());
            Map<String, String> env = Wrapper.purgeEnv(fixture, server.clientUrl(), monitoring.port());
            try (Wrapper reconcile = Wrapper.start(dir, env, "reconcile", "--dry-run")) {
                assertEquals(0, reconcile.awaitExit(), reconcile.output());
                String output = reconcile.output();
                assertTrue(output.contains("\nwould purge " + fixture.gone().publicKey() + "\n"), output);
                assertTrue(output.contains("summary: 1 planned, 0 purged, 0 skipped, 0 failed (dry run"), output);
            }
            assertTrue(fixture.streamOnDisk(fixture.gone()), "gone account's data kept by a dry run");
            assertLiveIntact(fixture, server.clientUrl());
        }
    }

    @Test
    void shouldKeepInTheDryRunWhatTheRealReconcileKeepsForTheDefaultGracePeriod() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir.resolve("tree"));
        try (NatsServerFixture server = fixture.startServer()) {
            fixture.removeJwt(fixture.gone());
            Map<String, String> env =
                    new java.util.HashMap<>(Wrapper.purgeEnv(fixture, server.clientUrl(), monitoring.port()));
            env.remove("NATS_PURGE_GRACE"); // the default, 5m
            String kept = "'" + fixture.gone().publicKey() + "': its JWT has not been absent for the grace period yet";
            for (String[] args : List.of(new String[] {"reconcile", "--dry-run"}, new String[] {"reconcile"})) {
                try (Wrapper reconcile = Wrapper.start(dir, env, args)) {
                    assertEquals(0, reconcile.awaitExit(), reconcile.output());
                    String output = reconcile.output();
                    boolean dryRun = args.length == 2;
                    assertTrue(output.contains("\n" + (dryRun ? "would keep " : "kept ") + kept), output);
                    assertFalse(output.contains("would purge"), output);
                    assertTrue(
                            output.contains("summary: 0 planned, 0 purged, 1 skipped, 0 failed"
                                    + (dryRun ? " (dry run, nothing sent)" : "\n")),
                            output);
                }
            }
            assertTrue(fixture.streamOnDisk(fixture.gone()), "gone account's data kept for its grace period");
            assertLiveIntact(fixture, server.clientUrl());
        }
    }

    @Test
    void shouldEscapeTheValuesOfAWarningOnceNotItsOwnQuotes() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir.resolve("tree"));
        try (NatsServerFixture server = fixture.startServer()) {
            fixture.removeJwt(fixture.gone());
            fixture.removeJwt(fixture.live());
            Map<String, String> env = Wrapper.purgeEnv(fixture, server.clientUrl(), monitoring.port());
            try (Wrapper reconcile = Wrapper.start(dir, env, "reconcile")) {
                assertEquals(0, reconcile.awaitExit(), reconcile.output());
                String output = reconcile.output();
                // The warning's own apostrophe as written, as in an [INF] line; it was shown as \'.
                assertTrue(
                        output.contains("[WRN] JetStream purge: purging nothing: the resolver directory holds no"
                                + " account JWT other than the system account's while the store holds 2 account(s)"),
                        output);
                assertFalse(output.contains("\\'"), output);
            }
            assertTrue(fixture.streamOnDisk(fixture.gone()), "nothing purged");
        }
    }

    @Test
    void shouldSayInTheDryRunThatAnAccountWithAClientWouldBeKept() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir.resolve("tree"));
        try (NatsServerFixture server = fixture.startServer();
                Connection client =
                        fixture.streams(server.clientUrl(), fixture.gone()).connect()) {
            fixture.removeJwt(fixture.gone());
            Map<String, String> env = Wrapper.purgeEnv(fixture, server.clientUrl(), monitoring.port());
            try (Wrapper reconcile = Wrapper.start(dir, env, "reconcile", "--dry-run")) {
                assertEquals(0, reconcile.awaitExit(), reconcile.output());
                String output = reconcile.output();
                assertTrue(
                        output.contains("\nwould keep '" + fixture.gone().publicKey() + "': nats-server still has"
                                + " client or leafnode connections of the account (1 client and 0 leafnode"
                                + " connection(s))\n"),
                        output);
                assertFalse(output.contains("would purge"), output);
                assertTrue(output.contains("summary: 1 planned, 0 purged, 1 skipped, 0 failed (dry run"), output);
            }
            assertTrue(fixture.streamOnDisk(fixture.gone()), "gone account's data kept");
        }
    }

    @Test
    void shouldSayInTheDryRunThatTheConnectionsWereNotChecked() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir.resolve("tree"));
        fixture.removeJwt(fixture.gone());
        // Nothing listens at url(): the question cannot be asked.
        Map<String, String> env = Wrapper.purgeEnv(fixture, url(), monitoring.port());
        try (Wrapper reconcile = Wrapper.start(dir, env, "reconcile", "--dry-run")) {
            assertEquals(0, reconcile.awaitExit(), reconcile.output());
            String output = reconcile.output();
            assertTrue(
                    output.contains("\nwould purge " + fixture.gone().publicKey()
                            + " unless it has connections (not checked: nothing accepted a connection at "),
                    output);
        }
        assertTrue(fixture.streamOnDisk(fixture.gone()), "nothing purged");
    }

    @Test
    void shouldPurgeWithReconcileAndExitZero() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir.resolve("tree"));
        try (NatsServerFixture server = fixture.startServer()) {
            fixture.removeJwt(fixture.gone());
            Map<String, String> env = Wrapper.purgeEnv(fixture, server.clientUrl(), monitoring.port());
            try (Wrapper reconcile = Wrapper.start(dir, env, "reconcile")) {
                assertEquals(0, reconcile.awaitExit(), reconcile.output());
                String output = reconcile.output();
                assertTrue(output.contains("\npurged " + fixture.gone().publicKey() + "\n"), output);
                assertTrue(output.contains("summary: 1 planned, 1 purged, 0 skipped, 0 failed\n"), output);
            }
            assertFalse(Files.exists(fixture.storeDirOf(fixture.gone())), "gone account's data");
            assertLiveIntact(fixture, server.clientUrl());
        }
    }

    @Test
    void shouldExitOneFromReconcileWhenNoServerAnswers() throws Exception {
        PurgeFixture fixture = PurgeFixture.withData(dir.resolve("tree"));
        fixture.removeJwt(fixture.gone());
        try (Wrapper reconcile = Wrapper.start(dir, Wrapper.purgeEnv(fixture, url(), monitoring.port()), "reconcile")) {
            assertEquals(1, reconcile.awaitExit(), reconcile.output());
            assertTrue(reconcile.output().contains("reconcile failed: "), reconcile.output());
        }
        assertTrue(fixture.streamOnDisk(fixture.gone()), "nothing purged");
    }

    @Test
    void shouldExitTwoFromReconcileOnBadUsage() throws Exception {
        try (Wrapper reconcile = Wrapper.start(dir, Map.of(), "reconcile", "--force")) {
            assertEquals(2, reconcile.awaitExit(), reconcile.output());
            assertTrue(reconcile.output().contains("'reconcile' takes only '--dry-run', found '--force'"));
        }
    }
}
