package com.datasance.pot.nats.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Updates a directory the way kubelet updates a ConfigMap, Secret or projected volume: the steps,
 * names and order of Kubernetes' {@code pkg/volume/util/atomic_writer.go} ({@code
 * AtomicWriter.Write}).
 *
 * <ol>
 *   <li>Read the current {@code ..data} link (absent on the first write).
 *   <li>If the payload equals what {@code ..data} holds and nothing is to be removed, write
 *       nothing (kubelet skips identical payloads; {@link #writeEvenIfUnchanged} does not).
 *   <li>Create {@code ..YYYY_MM_DD_HH_MM_SS.<random>} (UTC), mode 0755, and write every file into
 *       it (sub-directories included) with its mode.
 *   <li>Symlink {@code ..data_tmp -> ..YYYY_...}, then rename it over {@code ..data}: the one
 *       atomic step that switches every file at once.
 *   <li>Create the user-visible symlinks that are missing, one per first path element: {@code
 *       name -> ..data/name} (a nested {@code sub/file} becomes {@code sub -> ..data/sub}).
 *   <li>Remove user-visible entries the new payload no longer has, then the old timestamped
 *       directory.
 * </ol>
 *
 * <p>Not thread-safe, like kubelet's writer; one writer per target directory.
 */
public final class KubeletAtomicWriter {

    private static final String DATA_DIR = "..data";
    private static final String NEW_DATA_DIR = "..data_tmp";
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("'..'yyyy_MM_dd_HH_mm_ss'.'");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");

    private final Path targetDir;

    private KubeletAtomicWriter(Path targetDir) {
        this.targetDir = targetDir;
    }

    /**
     * A writer for {@code targetDir}, which is created when missing (kubelet mounts it first).
     *
     * @param targetDir the volume's mount directory
     * @return the writer; nothing is written until {@link #write} is called
     * @throws IOException when the directory cannot be created
     */
    public static KubeletAtomicWriter into(Path targetDir) throws IOException {
        Files.createDirectories(targetDir);
        return new KubeletAtomicWriter(targetDir);
    }

    /**
     * The volume directory this writer updates.
     *
     * @return the directory given to {@link #into}
     */
    public Path targetDir() {
        return targetDir;
    }

    /**
     * {@link #write} for a UTF-8 text payload.
     *
     * @param payload relative path to text
     * @return false when kubelet would skip the write (same content, nothing to remove)
     * @throws IOException when the volume cannot be written
     * @throws IllegalArgumentException when a path is absolute, empty or holds {@code ..}
     */
    public boolean writeText(Map<String, String> payload) throws IOException {
        return write(utf8(payload));
    }

    /**
     * Projects {@code payload} (relative path to bytes, mode 0644) into the volume.
     *
     * @param payload relative path to content; entries of an earlier payload not in it are removed
     * @return false when kubelet would skip the write (same content, nothing to remove)
     * @throws IOException when the volume cannot be written
     * @throws IllegalArgumentException when a path is absolute, empty or holds {@code ..}
     */
    public boolean write(Map<String, byte[]> payload) throws IOException {
        return write(payload, false);
    }

    /**
     * Like {@link #write}, but swaps even when the content is identical (a ConfigMap re-render).
     *
     * @param payload relative path to content
     * @throws IOException when the volume cannot be written
     * @throws IllegalArgumentException when a path is absolute, empty or holds {@code ..}
     */
    public void writeEvenIfUnchanged(Map<String, byte[]> payload) throws IOException {
        write(payload, true);
    }

    /**
     * The timestamped directory {@code ..data} points to.
     *
     * @return the {@code ..TIMESTAMP} directory, resolved against the volume directory
     * @throws IOException when {@code ..data} does not exist yet (nothing written) or is no link
     */
    public Path currentDataDir() throws IOException {
        return targetDir.resolve(Files.readSymbolicLink(targetDir.resolve(DATA_DIR)));
    }

    private boolean write(Map<String, byte[]> rawPayload, boolean force) throws IOException {
        Map<String, byte[]> payload = validate(rawPayload);
        Path dataDirPath = targetDir.resolve(DATA_DIR);
        String oldTsDir = readLink(dataDirPath);
        Set<String> pathsToRemove = new TreeSet<>();
        boolean shouldWrite = true;
        if (oldTsDir != null) {
            Path oldTsPath = targetDir.resolve(oldTsDir);
            pathsToRemove = pathsToRemove(payload, oldTsPath);
            if (!force && !differs(payload, oldTsPath) && pathsToRemove.isEmpty()) {
                // kubelet still re-creates missing visible links and keeps the data directory.
                shouldWrite = false;
                oldTsDir = null;
            }
        }
        if (shouldWrite) {
            String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(TIMESTAMP);
            Path tsDir = Files.createTempDirectory(targetDir, stamp);
            Files.setPosixFilePermissions(tsDir, DIR_MODE);
            for (Map.Entry<String, byte[]> file : payload.entrySet()) {
                Path full = tsDir.resolve(file.getKey());
                Files.createDirectories(full.getParent());
                Files.write(full, file.getValue());
                Files.setPosixFilePermissions(full, FILE_MODE);
            }
            Path newDataDirPath = targetDir.resolve(NEW_DATA_DIR);
            Files.createSymbolicLink(newDataDirPath, tsDir.getFileName());
            // rename(2) replaces the old ..data link atomically: readers see old or new, never none.
            Files.move(newDataDirPath, dataDirPath, StandardCopyOption.ATOMIC_MOVE);
        }
        for (String visible : payload.keySet()) {
            String linkName = firstElement(visible);
            Path link = targetDir.resolve(linkName);
            if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of(DATA_DIR, linkName));
            }
        }
        for (String stale : pathsToRemove) {
            // kubelet prunes only entries of the volume root; deeper ones vanish with the old dir.
            if (!stale.contains("/")) {
                Files.deleteIfExists(targetDir.resolve(stale));
            }
        }
        if (oldTsDir != null) {
            deleteRecursively(targetDir.resolve(oldTsDir));
        }
        return shouldWrite;
    }

    private static Map<String, byte[]> validate(Map<String, byte[]> payload) {
        Map<String, byte[]> clean = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> entry : payload.entrySet()) {
            String path = entry.getKey();
            Path normal = Path.of(path).normalize();
            if (path.isEmpty() || normal.isAbsolute()) {
                throw new IllegalArgumentException("payload path must be relative and not empty, found '" + path + "'");
            }
            for (Path element : normal) {
                if (element.toString().equals("..")) {
                    throw new IllegalArgumentException("payload path must not contain '..', found '" + path + "'");
                }
            }
            if (normal.getName(0).toString().startsWith("..")) {
                throw new IllegalArgumentException(
                        "payload path must not start with '..' (kubelet reserves it), found '" + path + "'");
            }
            clean.put(normal.toString(), entry.getValue().clone());
        }
        return clean;
    }

    private static String readLink(Path link) throws IOException {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (NoSuchFileException | NotLinkException absent) {
            return null;
        }
    }

    private static Set<String> pathsToRemove(Map<String, byte[]> payload, Path oldTsPath) throws IOException {
        Set<String> existing = new TreeSet<>();
        if (Files.isDirectory(oldTsPath)) {
            try (Stream<Path> walk = Files.walk(oldTsPath)) {
                walk.filter(p -> !p.equals(oldTsPath))
                        .forEach(p -> existing.add(oldTsPath.relativize(p).toString()));
            }
        }
        Set<String> kept = new TreeSet<>();
        for (String file : payload.keySet()) {
            for (Path sub = Path.of(file); sub != null; sub = sub.getParent()) {
                kept.add(sub.toString());
            }
        }
        existing.removeAll(kept);
        return existing;
    }

    private static boolean differs(Map<String, byte[]> payload, Path oldTsPath) throws IOException {
        for (Map.Entry<String, byte[]> file : payload.entrySet()) {
            Path onDisk = oldTsPath.resolve(file.getKey());
            if (!Files.exists(onDisk, LinkOption.NOFOLLOW_LINKS)
                    || !Arrays.equals(Files.readAllBytes(onDisk), file.getValue())) {
                return true;
            }
        }
        return false;
    }

    private static String firstElement(String path) {
        int slash = path.indexOf('/');
        return slash < 0 ? path : path.substring(0, slash);
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Encodes a text payload as UTF-8, keeping its order.
     *
     * @param payload relative path to text
     * @return relative path to bytes, in the same order; modifiable
     */
    public static Map<String, byte[]> utf8(Map<String, String> payload) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        payload.forEach((path, text) -> bytes.put(path, text.getBytes(StandardCharsets.UTF_8)));
        return bytes;
    }

    /**
     * For assertions: what a reader of the volume sees at its top level.
     *
     * @return the entry names, sorted, without kubelet's {@code ..} ones
     * @throws IOException when the volume directory cannot be listed
     */
    public Set<String> visibleEntries() throws IOException {
        try (Stream<Path> list = Files.list(targetDir)) {
            return list.map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith(".."))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
