package com.datasance.pot.nats.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.KubeletAtomicWriter;
import com.datasance.pot.nats.testkit.NatsJwt;
import io.nats.client.NKey;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
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
        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "one"));
        Files.writeString(mount.resolve(K2 + ".jwt"), jwt(K2, "two") + "\n");
        Files.writeString(mount.resolve("README"), "not a jwt");

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

        assertEquals(List.of(K1 + ".jwt", K2 + ".jwt").stream().sorted().toList(), result.copied());
        assertEquals(jwt(K1, "one"), read(resolver().resolve(K1 + ".jwt")));
        assertEquals(jwt(K2, "two") + "\n", read(resolver().resolve(K2 + ".jwt")));
        assertFalse(Files.exists(resolver().resolve("README")));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void shouldReplaceChangedJwtByRenameNotInPlace() throws Exception {
        Path mount = mount();
        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "old"));
        JwtMountMirror.mirror(mount, resolver());
        Path target = resolver().resolve(K1 + ".jwt");
        Object inodeBefore = Files.getAttribute(target, "unix:ino");

        try (InputStream reader = Files.newInputStream(target)) {
            Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "new content"));
            JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

            // A reader that opened the old file still reads it whole: the new one was renamed over it.
            assertEquals(jwt(K1, "old"), new String(reader.readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(List.of(K1 + ".jwt"), result.copied());
        }
        assertEquals(jwt(K1, "new content"), read(target));
        assertNotEquals(inodeBefore, Files.getAttribute(target, "unix:ino"));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void shouldNotRewriteUnchangedJwts() throws Exception {
        Path mount = mount();
        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "same"));
        assertTrue(JwtMountMirror.mirror(mount, resolver()).changed());
        Object inode = Files.getAttribute(resolver().resolve(K1 + ".jwt"), "unix:ino");

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

        assertFalse(result.changed());
        assertEquals(inode, Files.getAttribute(resolver().resolve(K1 + ".jwt"), "unix:ino"));
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

    private static final Map<String, String> JWTS = new HashMap<>();

    /**
     * A real account JWT for {@code account}; {@code name} tells versions apart. Made once per
     * pair: its {@code iat} is in seconds, so a second call could differ.
     */
    private static String jwt(String account, String name) {
        return JWTS.computeIfAbsent(
                account + " " + name,
                k -> NatsJwt.account(OPERATOR, ACCOUNTS.get(account), name, NatsJwt.unlimitedAccountLimits()));
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
        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "one"));
        Files.writeString(mount.resolve(K2 + ".jwt"), jwt(K2, "two"));
        JwtMountMirror.mirror(mount, resolver(), Optional.of(SYS));
        Files.delete(mount.resolve(K1 + ".jwt"));
        Files.delete(mount.resolve(K2 + ".jwt"));

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver(), Optional.of(SYS));

        assertTrue(result.mountEmpty());
        assertEquals(List.of(), result.removed());
        assertEquals(jwt(K1, "one"), read(resolver().resolve(K1 + ".jwt")));
        assertEquals(jwt(K2, "two"), read(resolver().resolve(K2 + ".jwt")));
    }

    @Test
    void shouldCopyWithNatsServersModeAndRemoveLeftoverTempFiles() throws Exception {
        Path mount = mount();
        Files.createDirectories(resolver());
        Path leftover = Files.writeString(resolver().resolve(".pot-nats-123.tmp"), "");
        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "one"));

        assertEquals(
                List.of(K1 + ".jwt"), JwtMountMirror.mirror(mount, resolver()).copied());

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
        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "one"));
        assertEquals(
                List.of(K1 + ".jwt"), JwtMountMirror.mirror(mount, resolver()).copied());
        Files.delete(mount.resolve(K1 + ".jwt"));

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

        assertTrue(result.mountEmpty());
        assertEquals(List.of(), result.removed());
        assertEquals(jwt(K1, "one"), read(resolver().resolve(K1 + ".jwt")));
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
        // A Secret volume: K1.jwt -> ..data/K1.jwt, ..data -> ..2026_11_23_15_00_00.1/
        Path mount = mount();
        Path version = Files.createDirectories(mount.resolve("..2026_11_23_15_00_00.1"));
        Files.writeString(version.resolve(K1 + ".jwt"), jwt(K1, "from secret"));
        Files.createSymbolicLink(mount.resolve("..data"), version.getFileName());
        Files.createSymbolicLink(mount.resolve(K1 + ".jwt"), Path.of("..data/" + K1 + ".jwt"));

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

        assertEquals(List.of(K1 + ".jwt"), result.copied());
        assertFalse(Files.isSymbolicLink(resolver().resolve(K1 + ".jwt")));
        assertEquals(jwt(K1, "from secret"), read(resolver().resolve(K1 + ".jwt")));
    }

    @Test
    void shouldFollowAKubeletWriterAcrossAnUpdate() throws Exception {
        // A mount reached through a link itself, written by kubelet's atomic writer twice.
        Path real = Files.createDirectories(dir.resolve("volumes/secret"));
        Path mount = Files.createSymbolicLink(dir.resolve("mount"), real);
        KubeletAtomicWriter writer = KubeletAtomicWriter.into(real);
        writer.writeText(Map.of(K1 + ".jwt", jwt(K1, "v1"), K2 + ".jwt", jwt(K2, "v1")));
        JwtMountMirror.mirror(mount, resolver());

        writer.writeText(Map.of(K1 + ".jwt", jwt(K1, "v2")));
        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

        assertEquals(List.of(K1 + ".jwt"), result.copied());
        assertEquals(List.of(K2 + ".jwt"), result.removed());
        assertEquals(jwt(K1, "v2"), read(resolver().resolve(K1 + ".jwt")));
    }

    /** A system user's creds file outside the mount, as the red team's {@code SYS.creds}. */
    private Path creds() throws Exception {
        Path file = Files.createDirectories(dir.resolve("creds")).resolve("SYS.creds");
        Files.writeString(file, NatsJwt.creds(NatsJwt.user(ACCOUNTS.get(SYS), USER, "sys-user"), USER));
        return file;
    }

    private static final NKey USER = user();

    private static NKey user() {
        try {
            return NKey.createUser(new SecureRandom());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String SEED = new String(USER.getSeed());

    /** Every file the resolver directory holds, manifest included, as text. */
    private String resolverText() throws Exception {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(resolver())) {
            for (Path file : files.toList()) {
                text.append(Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        }
        return text.toString();
    }

    /** Runs {@code action} with stderr (slf4j-simple's target) captured; returns what it printed. */
    private static String logOf(ThrowingRunnable action) throws Exception {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(stderr);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        stderr.print(log);
        return log;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    @Test
    void shouldNeverFollowALinkOutOfTheMount() throws Exception {
        Path mount = mount();
        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "one"));
        Files.createSymbolicLink(mount.resolve(K2 + ".jwt"), creds());
        // Even a real account JWT outside the mount is not taken: the link alone is refused.
        Path outside = Files.writeString(dir.resolve(K3 + ".jwt"), jwt(K3, "outside"));
        Files.createSymbolicLink(mount.resolve(K3 + ".jwt"), outside);

        String log = logOf(() -> assertEquals(
                List.of(K1 + ".jwt"), JwtMountMirror.mirror(mount, resolver()).copied()));

        assertFalse(Files.exists(resolver().resolve(K2 + ".jwt")), "the creds file is not in NATS_JWT_DIR");
        assertFalse(Files.exists(resolver().resolve(K3 + ".jwt")));
        assertFalse(resolverText().contains(SEED), "no seed in NATS_JWT_DIR");
        assertFalse(resolverText().contains("NATS USER JWT"));
        assertEquals(1, count(log, "'" + K2 + ".jwt' in mount"), log);
        assertEquals(1, count(log, "'" + K3 + ".jwt' in mount"), log);
        assertTrue(log.contains("outside the mount; not read"), log);
        assertFalse(log.contains(SEED), log);
    }

    @Test
    void shouldNotCopyCredsOrAnAccountJwtWithSomethingAppended() throws Exception {
        Path mount = mount();
        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "one"));
        Files.writeString(mount.resolve(K2 + ".jwt"), Files.readString(creds()));
        Files.writeString(mount.resolve(K3 + ".jwt"), jwt(K3, "three") + "\n" + SEED + "\n");

        String log = logOf(() -> assertEquals(
                List.of(K1 + ".jwt"), JwtMountMirror.mirror(mount, resolver()).copied()));

        assertFalse(Files.exists(resolver().resolve(K2 + ".jwt")));
        assertFalse(Files.exists(resolver().resolve(K3 + ".jwt")));
        assertFalse(resolverText().contains(SEED));
        assertEquals(1, count(log, "'" + K2 + ".jwt' in mount"), log);
        assertEquals(1, count(log, "'" + K3 + ".jwt' in mount"), log);
        assertTrue(log.contains("is not an account JWT for its name"), log);
        assertFalse(log.contains(SEED), log);
    }

    @Test
    void shouldNotCopyHiddenOrOddNames() throws Exception {
        Path mount = mount();
        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "one"));
        Files.writeString(mount.resolve(".hidden.jwt"), jwt(K2, "hidden"));
        Files.writeString(mount.resolve(K2 + "\n.jwt"), jwt(K2, "newline"));
        Files.writeString(mount.resolve("\u001b[31m.jwt"), jwt(K3, "escape"));

        String log = logOf(() -> assertEquals(
                List.of(K1 + ".jwt"), JwtMountMirror.mirror(mount, resolver()).copied()));

        try (Stream<Path> files = Files.list(resolver())) {
            assertEquals(
                    List.of(JwtMountMirror.MANIFEST, K1 + ".jwt").stream()
                            .sorted()
                            .toList(),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(1, count(log, "'.hidden.jwt' in mount"), log);
        assertEquals(1, count(log, "'" + K2 + "\\n.jwt' in mount"), log);
        assertEquals(3, count(log, "is not named '<account public key>.jwt'"), log);
        assertFalse(log.contains("\u001b"), "names are escaped");
    }

    @Test
    void shouldNotCopyAUserJwtOrAnotherAccountsJwt() throws Exception {
        Path mount = mount();
        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "one"));
        Files.writeString(mount.resolve(K2 + ".jwt"), NatsJwt.user(ACCOUNTS.get(K2), USER, "a user"));
        Files.writeString(mount.resolve(K3 + ".jwt"), jwt(K1, "K1's JWT under K3's name"));

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

        assertEquals(List.of(K1 + ".jwt"), result.copied());
        assertFalse(Files.exists(resolver().resolve(K2 + ".jwt")));
        assertFalse(Files.exists(resolver().resolve(K3 + ".jwt")));
    }

    @Test
    void shouldRemoveCredsAnEarlierMirrorCopiedButNeverALiveAccountsJwt() throws Exception {
        // What the earlier mirror left: the creds copied under K2's name, listed as its own.
        Path mount = mount();
        Files.writeString(mount.resolve(K1 + ".jwt"), jwt(K1, "one"));
        Files.writeString(mount.resolve(K3 + ".jwt"), jwt(K3, "three"));
        JwtMountMirror.mirror(mount, resolver());
        Path creds = creds();
        Files.copy(creds, resolver().resolve(K2 + ".jwt"));
        Files.writeString(
                resolver().resolve(JwtMountMirror.MANIFEST),
                Files.readString(resolver().resolve(JwtMountMirror.MANIFEST)) + K2 + ".jwt "
                        + java.util.HexFormat.of()
                                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                        .digest(Files.readAllBytes(creds)))
                        + "\n");
        Files.createSymbolicLink(mount.resolve(K2 + ".jwt"), creds);
        // K3's Secret value emptied: its account JWT stays.
        Files.writeString(mount.resolve(K3 + ".jwt"), "");

        JwtMountMirror.Result result = JwtMountMirror.mirror(mount, resolver());

        assertEquals(List.of(K2 + ".jwt"), result.removed());
        assertFalse(resolverText().contains(SEED));
        assertEquals(jwt(K3, "three"), read(resolver().resolve(K3 + ".jwt")));
    }
}
