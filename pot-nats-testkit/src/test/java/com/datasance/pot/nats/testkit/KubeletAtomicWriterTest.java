package com.datasance.pot.nats.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeletAtomicWriterTest {

    @TempDir
    Path tmp;

    @Test
    void shouldLayOutTheVolumeLikeKubelet() throws Exception {
        KubeletAtomicWriter writer = KubeletAtomicWriter.into(tmp.resolve("vol"));
        assertTrue(writer.writeText(Map.of("server.conf", "a", "sub/ca.crt", "b")));
        Path vol = writer.targetDir();

        assertEquals(Path.of("..data/server.conf"), Files.readSymbolicLink(vol.resolve("server.conf")));
        assertEquals(Path.of("..data/sub"), Files.readSymbolicLink(vol.resolve("sub")));
        Path data = Files.readSymbolicLink(vol.resolve("..data"));
        assertTrue(data.toString().matches("\\.\\.\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}\\.\\d+"), data.toString());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(vol.resolve(data))));
        assertEquals("b", Files.readString(vol.resolve("sub/ca.crt")));
        assertEquals(Set.of("server.conf", "sub"), writer.visibleEntries());
        assertFalse(Files.exists(vol.resolve("..data_tmp"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void shouldSwapDataAndRemoveTheOldTimestampedDirectory() throws Exception {
        KubeletAtomicWriter writer = KubeletAtomicWriter.into(tmp.resolve("vol"));
        writer.writeText(Map.of("server.conf", "a", "old.conf", "x"));
        Path first = writer.currentDataDir();

        assertTrue(writer.writeText(Map.of("server.conf", "b")));
        Path second = writer.currentDataDir();
        assertNotEquals(first, second);
        assertFalse(Files.exists(first));
        assertEquals("b", Files.readString(writer.targetDir().resolve("server.conf")));
        assertEquals(Set.of("server.conf"), writer.visibleEntries());
        try (Stream<Path> entries = Files.list(writer.targetDir())) {
            Set<String> hidden = entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".."))
                    .collect(Collectors.toSet());
            assertEquals(Set.of("..data", second.getFileName().toString()), hidden);
        }
    }

    @Test
    void shouldSkipAnIdenticalPayloadUnlessForced() throws Exception {
        KubeletAtomicWriter writer = KubeletAtomicWriter.into(tmp.resolve("vol"));
        writer.writeText(Map.of("server.conf", "a"));
        Path first = writer.currentDataDir();

        assertFalse(writer.writeText(Map.of("server.conf", "a")));
        assertEquals(first, writer.currentDataDir());

        writer.writeEvenIfUnchanged(KubeletAtomicWriter.utf8(Map.of("server.conf", "a")));
        assertNotEquals(first, writer.currentDataDir());
    }

    @Test
    void shouldRejectPathsKubeletRejects() throws Exception {
        KubeletAtomicWriter writer = KubeletAtomicWriter.into(tmp.resolve("vol"));
        assertThrows(IllegalArgumentException.class, () -> writer.writeText(Map.of("/abs", "x")));
        assertThrows(IllegalArgumentException.class, () -> writer.writeText(Map.of("a/../../b", "x")));
        IllegalArgumentException reserved =
                assertThrows(IllegalArgumentException.class, () -> writer.writeText(Map.of("..data", "x")));
        assertTrue(reserved.getMessage().contains("'..data'"), reserved.getMessage());
    }
}
