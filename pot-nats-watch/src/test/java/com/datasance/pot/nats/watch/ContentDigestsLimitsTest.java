package com.datasance.pot.nats.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the digest must never read (red team: NATS_SSL_DIR=/proc blocked the start forever in a
 * read of /proc/kmsg; a 2 GB sparse file delayed it ~8 s): kernel filesystems, files over the cap.
 */
class ContentDigestsLimitsTest {

    @TempDir
    Path tmp;

    @Test
    void shouldNotWalkOrReadAKernelFilesystemRoot() {
        // Walked following links, /proc reaches / through /proc/N/cwd, and /proc/kmsg blocks.
        DigestTable table = new ContentDigests().digest(Path.of("/proc"));
        assertEquals(0, table.size());
        assertEquals(List.of(), table.directories());
        Set<Path> watched = ContentDigests.directoriesFor(Path.of("/proc"));
        assertTrue(watched.stream().noneMatch(d -> d.startsWith("/proc")), watched.toString());
    }

    @Test
    void shouldSkipSymlinksIntoProcAndSysButDigestTheFilesBeside() throws Exception {
        Files.writeString(tmp.resolve("tls.crt"), "cert");
        Files.createSymbolicLink(tmp.resolve("version"), Path.of("/proc/version"));
        Files.createSymbolicLink(tmp.resolve("kmsg"), Path.of("/proc/kmsg"));
        Files.createSymbolicLink(tmp.resolve("sys"), Path.of("/sys/kernel"));
        Map<Path, String> digests = new ContentDigests().digest(tmp).asMap();
        assertEquals(Set.of(Path.of("tls.crt")), digests.keySet());
    }

    @Test
    void shouldSeeAKernelFileReplacedByARealOne() throws Exception {
        Path link = tmp.resolve("ca.pem");
        Files.createSymbolicLink(link, Path.of("/proc/version"));
        ContentDigests digests = new ContentDigests();
        DigestTable before = digests.digest(tmp);
        Files.delete(link);
        Files.writeString(link, "ca");
        DigestTable after = digests.digest(tmp, before, ContentDigests.Reads.ALL);
        assertEquals(Set.of(Path.of("ca.pem")), after.asMap().keySet());
        assertFalse(after.sameContent(before));
    }

    @Test
    void shouldDigestAFileOverTheCapByItsStatNotItsContent() throws Exception {
        Path big = tmp.resolve("big.jwt");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(ContentDigests.MAX_READ_BYTES + 1); // sparse: no disk used
        }
        FileTime mtime = Files.getLastModifiedTime(big);
        ContentDigests digests = new ContentDigests();
        String before = digests.digest(tmp).asMap().get(Path.of("big.jwt"));

        // Same size and mtime, other bytes: not read, so not seen (the documented limit).
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.write('x');
        }
        Files.setLastModifiedTime(big, mtime);
        assertEquals(before, digests.digest(tmp).asMap().get(Path.of("big.jwt")));

        // A touch is a change of the stat digest.
        Files.setLastModifiedTime(big, FileTime.fromMillis(mtime.toMillis() - 10_000));
        String touched = digests.digest(tmp).asMap().get(Path.of("big.jwt"));
        assertNotEquals(before, touched);
        assertNotEquals(ContentDigests.UNREADABLE, touched);
    }

    @Test
    void shouldReadAFileUpToTheCap() throws Exception {
        Path file = tmp.resolve("server.conf");
        Files.writeString(file, "port: 1\n");
        FileTime mtime = Files.getLastModifiedTime(file);
        ContentDigests digests = new ContentDigests();
        String before = digests.digest(tmp).asMap().get(Path.of("server.conf"));
        Files.writeString(file, "port: 2\n");
        Files.setLastModifiedTime(file, mtime);
        assertNotEquals(before, digests.digest(tmp).asMap().get(Path.of("server.conf")));
    }

    @Test
    void shouldStopAWalkOfAnInterruptedThread() throws Exception {
        Files.writeString(tmp.resolve("a.jwt"), "a");
        Thread.currentThread().interrupt();
        try {
            assertThrows(CancellationException.class, () -> new ContentDigests().digest(tmp));
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        }
    }
}
