package com.datasance.pot.nats.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.api.ServerFacts;
import com.datasance.pot.nats.testkit.OperatorFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public entry point from a config's facts to checked settings, and its errors (no server). */
class PurgeSettingsTest {

    @TempDir
    Path dir;

    private ServerFacts facts(OperatorFixture operator, Optional<String> systemAccount, ServerFacts.ResolverType type) {
        return new ServerFacts(
                Optional.of(dir.resolve("server.conf")),
                true,
                List.of(operator.dir().resolve("operator.jwt")),
                systemAccount,
                type,
                Optional.of(operator.resolverDir()),
                Optional.empty(),
                Optional.of(operator.storeDir()));
    }

    @Test
    void shouldBeReadyFromAFullResolverConfig() throws Exception {
        OperatorFixture operator = OperatorFixture.create(dir);
        String system = operator.system().publicKey();

        PurgeSetup setup = PurgeSettings.builder()
                .server(facts(operator, Optional.of(system), ServerFacts.ResolverType.FULL))
                .credsFile(operator.system().credsFile())
                .setup();

        PurgeSettings settings = assertInstanceOf(PurgeSetup.Ready.class, setup).settings();
        assertTrue(settings.operatorMode());
        assertEquals(Optional.of(operator.resolverDir()), settings.resolverDir());
        assertEquals(Optional.of(operator.storeDir()), settings.storeDir());
        assertEquals(Optional.of(system), settings.systemAccount());
        assertTrue(settings.sends());
    }

    @Test
    void shouldTakeTheSystemAccountFromTheOperatorJwtWhenTheConfigNamesNone() throws Exception {
        OperatorFixture operator = OperatorFixture.create(dir);

        PurgeSettings settings = PurgeSettings.builder()
                .server(facts(operator, Optional.empty(), ServerFacts.ResolverType.FULL))
                .build();

        assertEquals(Optional.of(operator.system().publicKey()), settings.systemAccount());
    }

    @Test
    void shouldTakeTheSystemAccountFromTheCredsWhenNothingElseNamesIt() throws Exception {
        OperatorFixture operator = OperatorFixture.create(dir);

        PurgeSettings settings = PurgeSettings.builder()
                .storeDir(operator.storeDir())
                .resolverDir(operator.resolverDir())
                .credsFile(operator.system().credsFile())
                .build();

        assertEquals(Optional.of(operator.system().publicKey()), settings.systemAccount());
    }

    @Test
    void shouldRefuseAFifoAsCredsWithoutOpeningIt() throws Exception {
        OperatorFixture operator = OperatorFixture.create(dir);
        Path fifo = dir.resolve("evil.creds");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
        // Through a symlink too: the type is the link target's.
        Path link = Files.createSymbolicLink(dir.resolve("link.creds"), fifo);

        for (Path creds : List.of(fifo, link)) {
            // Opening a FIFO blocks until a writer comes: run it where a hang fails the test
            // instead of holding the build.
            CompletableFuture<ReconcileException> refused = CompletableFuture.supplyAsync(() -> assertThrows(
                    ReconcileException.class,
                    () -> PurgeSettings.builder()
                            .server(facts(operator, Optional.empty(), ServerFacts.ResolverType.FULL))
                            .credsFile(creds)
                            .build()));
            ReconcileException e = refused.get(60, TimeUnit.SECONDS);
            assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
            assertTrue(e.getMessage().contains(creds.toString()), e.getMessage());
        }
    }

    @Test
    void shouldRefuseCredsLargerThanTheCap() throws Exception {
        OperatorFixture operator = OperatorFixture.create(dir);
        Path big = dir.resolve("big.creds");
        Files.write(big, new byte[RegularFiles.MAX_BYTES + 1]);

        ReconcileException e = assertThrows(
                ReconcileException.class,
                () -> PurgeSettings.builder()
                        .server(facts(operator, Optional.empty(), ServerFacts.ResolverType.FULL))
                        .credsFile(big)
                        .build());

        assertTrue(e.getMessage().contains("expected at most " + RegularFiles.MAX_BYTES), e.getMessage());
    }

    @Test
    void shouldBeOffByTypeForACacheResolverOrStaticAccounts() throws Exception {
        OperatorFixture operator = OperatorFixture.create(dir);
        String system = operator.system().publicKey();

        PurgeSetup cache = PurgeSettings.builder()
                .server(facts(operator, Optional.of(system), ServerFacts.ResolverType.CACHE))
                .setup();
        PurgeSetup.Off off = assertInstanceOf(PurgeSetup.Off.class, cache);
        assertEquals(PurgeSetup.OffReason.NOT_FULL_RESOLVER, off.reason());
        assertTrue(off.why().contains("'cache' resolver"), off.why());

        ServerFacts staticAccounts = new ServerFacts(
                Optional.empty(),
                false,
                List.of(),
                Optional.empty(),
                ServerFacts.ResolverType.NONE,
                Optional.empty(),
                Optional.empty(),
                Optional.of(operator.storeDir()));
        ReconcileException thrown = assertThrows(
                ReconcileException.class,
                () -> PurgeSettings.builder().server(staticAccounts).build());
        assertTrue(thrown.getMessage().contains("does not run in operator mode"), thrown.getMessage());
    }

    @Test
    void shouldKeepTheClaimsPushWithoutJetStream() throws Exception {
        OperatorFixture operator = OperatorFixture.create(dir);
        ServerFacts noJetStream = new ServerFacts(
                Optional.empty(),
                true,
                List.of(),
                Optional.of(operator.system().publicKey()),
                ServerFacts.ResolverType.FULL,
                Optional.of(operator.resolverDir()),
                Optional.empty(),
                Optional.empty());

        PurgeSetup setup = PurgeSettings.builder().server(noJetStream).setup();

        PurgeSetup.ClaimsOnly claims = assertInstanceOf(PurgeSetup.ClaimsOnly.class, setup);
        assertEquals(Optional.empty(), claims.settings().storeDir());
        assertTrue(JetStreamReconciler.of(claims.settings()).plan().outcomes().isEmpty());
    }

    @Test
    void shouldNameABadSystemAccountKeyAndWhatWasExpected() throws Exception {
        OperatorFixture operator = OperatorFixture.create(dir);
        String system = operator.system().publicKey();
        // One character changed: still 56 base32 characters starting with 'A', the CRC no longer matches.
        String bad = system.substring(0, 10) + (system.charAt(10) == 'B' ? 'C' : 'B') + system.substring(11);

        ReconcileException thrown = assertThrows(
                ReconcileException.class,
                () -> PurgeSettings.builder()
                        .server(facts(operator, Optional.of(bad), ServerFacts.ResolverType.FULL))
                        .build());

        assertTrue(thrown.getMessage().contains("'" + bad + "'"), thrown.getMessage());
        assertTrue(thrown.getMessage().contains("'system_account'"), thrown.getMessage());
        assertTrue(thrown.getMessage().contains("expected 56 characters starting with 'A'"), thrown.getMessage());
    }

    @Test
    void shouldRefuseVarzStoreDirThatAlreadyEndsInJetstream() throws Exception {
        OperatorFixture operator = OperatorFixture.create(dir);
        Path varz = operator.storeDir().resolve("jetstream");
        Files.createDirectories(varz.resolve(operator.system().publicKey()));
        PurgeSettings settings = PurgeSettings.builder()
                .storeDir(varz)
                .resolverDir(operator.resolverDir())
                .systemAccount(operator.system().publicKey())
                .build();

        ReconcileException thrown = assertThrows(
                ReconcileException.class, () -> JetStreamReconciler.of(settings).plan());

        assertTrue(thrown.getMessage().contains("'" + varz + "'"), thrown.getMessage());
        assertTrue(thrown.getMessage().contains("use its parent '" + operator.storeDir() + "'"), thrown.getMessage());
    }

    @Test
    void shouldRefuseAMissingStoreDirInsteadOfPlanningNothing() throws Exception {
        OperatorFixture operator = OperatorFixture.create(dir);
        Path missing = dir.resolve("no-such-store");
        PurgeSettings settings = PurgeSettings.builder()
                .storeDir(missing)
                .resolverDir(operator.resolverDir())
                .systemAccount(operator.system().publicKey())
                .build();

        ReconcileException thrown = assertThrows(
                ReconcileException.class, () -> JetStreamReconciler.of(settings).dryRun());

        assertTrue(thrown.getMessage().contains("'" + missing + "' does not exist"), thrown.getMessage());
        assertTrue(
                thrown.getMessage().contains("expected the JetStream 'store_dir' as configured"), thrown.getMessage());
    }

    @Test
    void shouldRefuseAUrlOfAnotherSchemeWithoutPrintingItsPassword() {
        ReconcileException thrown = assertThrows(
                ReconcileException.class,
                () -> PurgeSettings.builder()
                        .clientUrl("http://user:secret@host:4222")
                        .build());

        assertTrue(thrown.getMessage().contains("must start with 'nats://' or 'tls://'"), thrown.getMessage());
        assertTrue(!thrown.getMessage().contains("secret"), thrown.getMessage());
    }
}
