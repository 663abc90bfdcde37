package com.datasance.pot.nats.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.NatsJwt;
import io.nats.client.NKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the reconciler reads off the resolver directory on a real filesystem, and the names it accepts. */
class ResolverDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void shouldListEveryJwtNameWhateverItsTypeAndNothingElse() throws Exception {
        Files.writeString(dir.resolve("A1.jwt"), "x");
        Files.writeString(dir.resolve("A2.jwt.deleted"), "x");
        Files.writeString(dir.resolve("notes.txt"), "x");
        // A directory named like a JWT still keeps that account's data: the safe mistake.
        Files.createDirectories(dir.resolve("A3.jwt"));
        PurgePlan.Resolver listed = Directories.resolver(Optional.of(dir), Optional.empty());
        assertEquals(new PurgePlan.Resolver.Listed(Set.of("A1", "A3"), false), listed, "no real account JWT");
    }

    @Test
    void shouldCountOnlyRealAccountJwtsForTheGuard() throws Exception {
        NKey operator = NKey.createOperator(new SecureRandom());
        NKey system = NKey.createAccount(new SecureRandom());
        NKey live = NKey.createAccount(new SecureRandom());
        NKey other = NKey.createAccount(new SecureRandom());
        String sys = NatsJwt.publicKey(system);
        String liveKey = NatsJwt.publicKey(live);
        String otherKey = NatsJwt.publicKey(other);
        Files.writeString(dir.resolve(sys + ".jwt"), NatsJwt.account(operator, system, "SYS", Map.of()));
        // An emptied Secret value, garbage, another account's JWT under this name, a directory:
        // names that keep their own account's data but do not make the directory healthy.
        Files.writeString(dir.resolve(liveKey + ".jwt"), "");
        Files.writeString(dir.resolve(otherKey + ".jwt"), NatsJwt.account(operator, live, "live", Map.of()));
        Files.createDirectories(dir.resolve(NatsJwt.publicKey(NKey.createAccount(new SecureRandom())) + ".jwt"));

        PurgePlan.Resolver broken = Directories.resolver(Optional.of(dir), Optional.of(sys));

        assertFalse(assertInstanceOf(PurgePlan.Resolver.Listed.class, broken).holdsAccountJwt());
        assertEquals(Optional.of(PurgeSkipReason.RESOLVER_DIR_EMPTY), Directories.unsafeNow(dir, Optional.of(sys)));

        // Through a kubelet-style link, with a trailing newline: real.
        Path version = Files.createDirectories(dir.resolve("..2026_12_01"));
        Files.writeString(version.resolve("live.jwt"), NatsJwt.account(operator, live, "live", Map.of()) + "\n");
        Files.delete(dir.resolve(liveKey + ".jwt"));
        Files.createSymbolicLink(dir.resolve(liveKey + ".jwt"), version.resolve("live.jwt"));

        PurgePlan.Resolver healthy = Directories.resolver(Optional.of(dir), Optional.of(sys));

        assertTrue(assertInstanceOf(PurgePlan.Resolver.Listed.class, healthy).holdsAccountJwt());
        assertEquals(Optional.empty(), Directories.unsafeNow(dir, Optional.of(sys)));
    }

    @Test
    void shouldSayNoneWithoutADirectoryAndUnreadableForAMissingOne() {
        assertEquals(new PurgePlan.Resolver.None(), Directories.resolver(Optional.empty(), Optional.empty()));
        Path missing = dir.resolve("missing");
        PurgePlan.Resolver.Unreadable unreadable = assertInstanceOf(
                PurgePlan.Resolver.Unreadable.class, Directories.resolver(Optional.of(missing), Optional.empty()));
        assertTrue(
                unreadable.why().startsWith("cannot read the resolver directory '" + missing + "': "),
                unreadable.why());
    }

    @Test
    void shouldAcceptOnlyAccountKeysWithAValidChecksum() throws Exception {
        String key =
                new String(NKey.createAccount(new java.security.SecureRandom()).getPublicKey());
        assertTrue(PurgePlan.isAccountKey(key));
        // Same length and prefix, one character changed: the CRC no longer matches.
        char last = key.charAt(key.length() - 1);
        String corrupted = key.substring(0, key.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertFalse(PurgePlan.isAccountKey(corrupted));
        String user =
                new String(NKey.createUser(new java.security.SecureRandom()).getPublicKey());
        assertFalse(PurgePlan.isAccountKey(user));
        assertFalse(PurgePlan.isAccountKey(key.substring(1)));
        assertFalse(PurgePlan.isAccountKey("/"));
    }

    @Test
    void shouldRemoveOnlyLeftoverTempFilesAndCountThem() throws Exception {
        Files.writeString(dir.resolve(".pot-nats-1.tmp"), "half");
        Files.writeString(dir.resolve(".pot-nats-2.tmp"), "half");
        Files.writeString(dir.resolve("A1.jwt"), "kept");
        Files.writeString(dir.resolve("other.tmp"), "kept");
        // A symlink named like a leftover is not one the mirror wrote: kept, and its target too.
        Files.writeString(dir.resolve("target"), "kept");
        Files.createSymbolicLink(dir.resolve(".pot-nats-3.tmp"), dir.resolve("target"));

        assertEquals(2, JwtMountMirror.removeLeftovers(dir));

        assertFalse(Files.exists(dir.resolve(".pot-nats-1.tmp")));
        assertFalse(Files.exists(dir.resolve(".pot-nats-2.tmp")));
        assertTrue(Files.exists(dir.resolve("A1.jwt")));
        assertTrue(Files.exists(dir.resolve("other.tmp")));
        assertTrue(Files.isSymbolicLink(dir.resolve(".pot-nats-3.tmp")));
        assertEquals(0, JwtMountMirror.removeLeftovers(dir));
        assertEquals(0, JwtMountMirror.removeLeftovers(dir.resolve("missing")));
    }
}
