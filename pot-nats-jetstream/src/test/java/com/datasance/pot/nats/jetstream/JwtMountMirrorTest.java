package com.datasance.pot.nats.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.NatsJwt;
import io.nats.client.NKey;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtMountMirrorTest {

    @TempDir
    Path dir;

    private Path mount() throws Exception {
        return Files.createDirectories(dir.resolve("mount"));
    }

    private Path resolver() {
        return dir.resolve("jwt");
    }

    private static String read(Path file) throws Exception {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private List<String> leftovers() throws Exception {
        try (Stream<Path> files = Files.list(resolver())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.endsWith(".jwt") && !n.equals(JwtMountMirror.MANIFEST))
                    .toList();
        }
    }

    @Test
    void shouldCopyJwtsAndSkipOtherFiles() throws Exception {
        Path mount = mount();
        Files.writeString(mount.resolve("A1.jwt"), "one");
        Files.writeString(mount.resolve("A2.jwt"), "two");
        Files.writeString(mount.resolve("README"), "not a jwt");

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

        assertEquals(List.of("A1.jwt", "A2.jwt"), result.copied());
        assertEquals("one", read(resolver().resolve("A1.jwt")));
        assertEquals("two", read(resolver().resolve("A2.jwt")));
        assertFalse(Files.exists(resolver().resolve("README")));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void shouldReplaceChangedJwtByRenameNotInPlace() throws Exception {
        Path mount = mount();
        Files.writeString(mount.resolve("A1.jwt"), "old");
        JwtMountMirror.mirror(mount, resolver());
        Path target = resolver().resolve("A1.jwt");
        Object inodeBefore = Files.getAttribute(target, "unix:ino");

        try (InputStream reader = Files.newInputStream(target)) {
            Files.writeString(mount.resolve("A1.jwt"), "new content");
            JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

            // A reader that opened the old file still reads it whole: the new one was renamed over it.
            assertEquals("old", new String(reader.readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(List.of("A1.jwt"), result.copied());
        }
        assertEquals("new content", read(target));
        assertNotEquals(inodeBefore, Files.getAttribute(target, "unix:ino"));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void shouldNotRewriteUnchangedJwts() throws Exception {
        Path mount = mount();
        Files.writeString(mount.resolve("A1.jwt"), "same");
        JwtMountMirror.mirror(mount, resolver());
        Object inode = Files.getAttribute(resolver().resolve("A1.jwt"), "unix:ino");

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

        assertFalse(result.changed());
        assertEquals(inode, Files.getAttribute(resolver().resolve("A1.jwt"), "unix:ino"));
    }

    private static final NKey OPERATOR = nkey(true);
    private static final Map<String, NKey> ACCOUNTS = new HashMap<>();
    private static final String SYS = account();
    private static final String K1 = account();
    private static final String K2 = account();
    private static final String K3 = account();

    private static NKey nkey(boolean operator) {
        try {
            return operator ? NKey.createOperator(new SecureRandom()) : NKey.createAccount(new SecureRandom());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String account() {
        NKey key = nkey(false);
        String publicKey = NatsJwt.publicKey(key);
        ACCOUNTS.put(publicKey, key);
        return publicKey;
    }

    /** A real account JWT for {@code account}; {@code name} tells versions apart. */
    private static String jwt(String account, String name) {
        return NatsJwt.account(OPERATOR, ACCOUNTS.get(account), name, NatsJwt.unlimitedAccountLimits());
    }

    @Test
    void shouldRemoveJwtsThatLeftTheMount() throws Exception {
        Path mount = mount();
        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "one"));
        Files.writeString(mount.resolve(K2 + ".jwt"), jwt(K2, "two"));
        JwtMountMirror.mirror(mount, resolver());
        Files.delete(mount.resolve(K2 + ".jwt"));

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

        assertEquals(List.of(K2 + ".jwt"), result.removed());
        assertTrue(Files.exists(resolver().resolve(K1 + ".jwt")));
        assertFalse(Files.exists(resolver().resolve(K2 + ".jwt")));
    }

    @Test
    void shouldNeverRemoveAJwtItDidNotMirrorEvenAfterARestart() throws Exception {
        Path mount = mount();
        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "one"));
        Files.writeString(mount.resolve(K2 + ".jwt"), jwt(K2, "two"));
        JwtMountMirror.mirror(mount, resolver());
        // nats-server wrote K3 itself (a claims push); the manifest on disk is all a new wrapper knows.
        Files.writeString(resolver().resolve(K3 + ".jwt"), "pushed");
        Files.delete(mount.resolve(K2 + ".jwt"));

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

        assertEquals(List.of(K2 + ".jwt"), result.removed());
        assertEquals("pushed", read(resolver().resolve(K3 + ".jwt")));
    }

    @Test
    void shouldKeepAMirroredJwtThatWasRewrittenSince() throws Exception {
        Path mount = mount();
        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "one"));
        Files.writeString(mount.resolve(K2 + ".jwt"), jwt(K2, "two"));
        JwtMountMirror.mirror(mount, resolver());
        Files.writeString(resolver().resolve(K2 + ".jwt"), "two, pushed again with new limits");
        Files.delete(mount.resolve(K2 + ".jwt"));

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

        assertEquals(List.of(), result.removed());
        assertEquals("two, pushed again with new limits", read(resolver().resolve(K2 + ".jwt")));
    }

    @Test
    void shouldNeverReadAHugeResolverFileWhole() throws Exception {
        Path mount = mount();
        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "one"));
        Files.writeString(mount.resolve(K2 + ".jwt"), jwt(K2, "two"));
        JwtMountMirror.mirror(mount, resolver());
        // Sparse 8 GiB files: reading either whole would take minutes and the heap.
        for (String name : List.of(K1, K2)) {
            try (RandomAccessFile file =
                    new RandomAccessFile(resolver().resolve(name + ".jwt").toFile(), "rw")) {
                file.setLength(8L << 30);
            }
        }
        Files.delete(mount.resolve(K2 + ".jwt"));

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

        assertEquals(List.of(K1 + ".jwt"), result.copied(), "the mount's JWT replaces what is not its copy");
        assertEquals(jwt(K1, "one"), read(resolver().resolve(K1 + ".jwt")));
        assertEquals(List.of(), result.removed(), "grown since it was mirrored: no longer ours");
        assertEquals(8L << 30, Files.size(resolver().resolve(K2 + ".jwt")));
    }

    @Test
    void shouldRemoveNothingWhenTheMountHoldsNoRealAccountJwt() throws Exception {
        // An emptied Secret value: the names are there, every file but the system account's is empty.
        Path mount = mount();
        for (String account : List.of(SYS, K1, K2, K3)) {
            Files.writeString(mount.resolve(account + ".jwt"), jwt(account, "v1"));
        }
        JwtMountMirror.mirror(mount, resolver(), Optional.of(SYS));
        Files.writeString(mount.resolve(K1 + ".jwt"), "");
        Files.delete(mount.resolve(K2 + ".jwt"));
        Files.delete(mount.resolve(K3 + ".jwt"));

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver(), Optional.of(SYS));

        assertTrue(result.mountEmpty());
        assertEquals(List.of(), result.removed());
        assertEquals(List.of(), result.copied(), "an empty file never replaces an account JWT");
        for (String account : List.of(K1, K2, K3)) {
            assertEquals(jwt(account, "v1"), read(resolver().resolve(account + ".jwt")));
        }
    }

    @Test
    void shouldNeverReplaceAnAccountJwtByGarbageButTakeANewVersion() throws Exception {
        Path mount = mount();
        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "v1"));
        Files.writeString(mount.resolve(K2 + ".jwt"), jwt(K2, "v1"));
        JwtMountMirror.mirror(mount, resolver());
        Files.writeString(mount.resolve(K1 + ".jwt"), "garbage");
        Files.writeString(mount.resolve(K2 + ".jwt"), jwt(K1, "K1's JWT under K2's name"));
        Files.writeString(mount.resolve(K3 + ".jwt"), jwt(K3, "v1"));

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

        assertEquals(List.of(K3 + ".jwt"), result.copied());
        assertEquals(jwt(K1, "v1"), read(resolver().resolve(K1 + ".jwt")));
        assertEquals(jwt(K2, "v1"), read(resolver().resolve(K2 + ".jwt")));

        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "v2"));
        assertEquals(
                List.of(K1 + ".jwt"), JwtMountMirror.mirror(mount, resolver()).copied());
        assertEquals(jwt(K1, "v2"), read(resolver().resolve(K1 + ".jwt")));
    }

    @Test
    void shouldRemoveNothingWhenTheMountHoldsOnlyTheSystemAccount() throws Exception {
        Path mount = mount();
        Files.writeString(mount.resolve(SYS + ".jwt"), jwt(SYS, "sys"));
        Files.writeString(mount.resolve(K1 + ".jwt"), "one");
        Files.writeString(mount.resolve(K2 + ".jwt"), "two");
        JwtMountMirror.mirror(mount, resolver(), Optional.of(SYS));
        Files.delete(mount.resolve(K1 + ".jwt"));
        Files.delete(mount.resolve(K2 + ".jwt"));

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver(), Optional.of(SYS));

        assertTrue(result.mountEmpty());
        assertEquals(List.of(), result.removed());
        assertEquals("one", read(resolver().resolve(K1 + ".jwt")));
        assertEquals("two", read(resolver().resolve(K2 + ".jwt")));
    }

    @Test
    void shouldCopyWithNatsServersModeAndRemoveLeftoverTempFiles() throws Exception {
        Path mount = mount();
        Files.createDirectories(resolver());
        Path leftover = Files.writeString(resolver().resolve(".pot-nats-123.tmp"), "");
        Files.writeString(mount.resolve(K1 + ".jwt"), "one");

        JwtMountMirror.mirror(mount, resolver());

        assertFalse(Files.exists(leftover));
        assertEquals(
                "rw-r-----",
                java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(resolver().resolve(K1 + ".jwt"))));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void shouldRemoveNothingWhenTheMountIsEmpty() throws Exception {
        Path mount = mount();
        Files.writeString(mount.resolve("A1.jwt"), "one");
        JwtMountMirror.mirror(mount, resolver());
        Files.delete(mount.resolve("A1.jwt"));

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

        assertTrue(result.mountEmpty());
        assertEquals(List.of(), result.removed());
        assertEquals("one", read(resolver().resolve("A1.jwt")));
    }

    @Test
    void shouldRemoveNothingWhenTheMountIsMissing() throws Exception {
        Files.createDirectories(resolver());
        Files.writeString(resolver().resolve("A1.jwt"), "one");

        JwtMountMirror.Result result = JwtMountMirror.mirror(dir.resolve("not-mounted"), resolver());

        assertTrue(result.mountEmpty());
        assertEquals("one", read(resolver().resolve("A1.jwt")));
    }

    @Test
    void shouldFollowKubeletDataSymlinks() throws Exception {
        // A Secret volume: A1.jwt -> ..data/A1.jwt, ..data -> ..2026_11_23_15_00_00.1/
        Path mount = mount();
        Path version = Files.createDirectories(mount.resolve("..2026_11_23_15_00_00.1"));
        Files.writeString(version.resolve("A1.jwt"), "from secret");
        Files.createSymbolicLink(mount.resolve("..data"), version.getFileName());
        Files.createSymbolicLink(mount.resolve("A1.jwt"), Path.of("..data/A1.jwt"));

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

        assertEquals(List.of("A1.jwt"), result.copied());
        assertFalse(Files.isSymbolicLink(resolver().resolve("A1.jwt")));
        assertEquals("from secret", read(resolver().resolve("A1.jwt")));
    }
}
