package com.datasance.pot.nats.watch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * SHA-256 of watched content, following symlinks, and the directories to watch for it. Not
 * thread-safe: the watcher uses it under its lock.
 *
 * <p>Entries whose name starts with {@code ..} are skipped below a watched root: kubelet reserves
 * them ({@code ..data}, {@code ..data_tmp}, {@code ..2026_11_23_19_04_05.123}) for its atomic
 * writer, and the user-visible symlinks already lead to the same bytes. Counting them would turn
 * a swap to identical content into a change, because the timestamped name differs.
 */
final class ContentDigests {

    /** The digest recorded for a file that exists but cannot be read (or vanished mid-walk). */
    static final String UNREADABLE = "unreadable";

    /**
     * Timestamps on Linux filesystems advance in ticks of a few milliseconds (FAT: 2 s), so a file
     * rewritten within one tick of being hashed can keep its size and mtime. A hash is reused
     * only for files whose mtime is older than this before the hash was taken (git's "racily
     * clean" rule).
     */
    private static final Duration RACY_WINDOW = Duration.ofSeconds(3);

    /** What a file looked like when it was hashed. */
    private record Stamp(Object fileKey, long size, FileTime modified, Instant hashedAt, String hash) {
        boolean stillValid(BasicFileAttributes attrs) {
            return fileKey != null
                    && fileKey.equals(attrs.fileKey())
                    && size == attrs.size()
                    && modified.equals(attrs.lastModifiedTime())
                    && modified.toInstant().isBefore(hashedAt.minus(RACY_WINDOW));
        }
    }

    private final MessageDigest sha256 = sha256();
    private final byte[] buffer = new byte[8192];
    private final Map<Path, Stamp> stamps = new HashMap<>();
    private final Set<Path> seen = new HashSet<>();

    /** Starts a pass over the whole watched set; {@link #endPass()} forgets files not seen. */
    void beginPass() {
        seen.clear();
    }

    void endPass() {
        stamps.keySet().retainAll(seen);
    }

    /**
     * Digests of every regular file at or under {@code root}, keyed by path relative to it (the
     * empty path when {@code root} is a file). A missing root has no entries.
     *
     * @param reuse whether a file whose inode, size and (old enough) mtime are unchanged keeps
     *     its previous hash instead of being read again: for the safety net, whose idle cost
     *     matters; event-driven passes read everything
     */
    Map<Path, String> digest(Path root, boolean reuse) {
        Map<Path, String> digests = new TreeMap<>();
        if (!Files.exists(root)) {
            return Collections.unmodifiableMap(digests);
        }
        try {
            Files.walkFileTree(
                    root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            return isKubeletInternal(root, dir)
                                    ? FileVisitResult.SKIP_SUBTREE
                                    : FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            if (attrs.isRegularFile() && !isKubeletInternal(root, file)) {
                                digests.put(root.relativize(file), hash(file, attrs, reuse));
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException exc) {
                            // A symlink loop is walked once; a dangling symlink or an entry that
                            // vanished mid-walk is a state of its own, so the next settled state
                            // differs from it.
                            if (!(exc instanceof FileSystemLoopException) && !isKubeletInternal(root, file)) {
                                digests.put(root.relativize(file), UNREADABLE);
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            digests.put(Path.of(""), UNREADABLE);
        }
        return Collections.unmodifiableMap(digests);
    }

    private String hash(Path file, BasicFileAttributes attrs, boolean reuse) {
        seen.add(file);
        Stamp known = stamps.get(file);
        if (reuse && known != null && known.stillValid(attrs)) {
            return known.hash();
        }
        Instant hashedAt = Instant.now();
        sha256.reset();
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha256.update(buffer, 0, n);
            }
        } catch (IOException e) {
            stamps.remove(file);
            return UNREADABLE;
        }
        String hash = HexFormat.of().formatHex(sha256.digest());
        stamps.put(file, new Stamp(attrs.fileKey(), attrs.size(), attrs.lastModifiedTime(), hashedAt, hash));
        return hash;
    }

    private static boolean isKubeletInternal(Path root, Path entry) {
        if (entry.equals(root)) {
            return false;
        }
        Path name = entry.getFileName();
        return name != null && name.toString().startsWith("..");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /**
     * Which names in a watched directory matter: all of them (a directory inside a watched tree),
     * or only some (the parent of a watched file or of a watched tree, the directory a symlink of
     * the watched path lives in). Events for other names are no hint: a busy log file next to
     * server.conf must not keep the quiet period from ending. Names starting with {@code ..} always
     * matter (kubelet's {@code ..data} swap).
     */
    record Names(boolean all, Set<String> names) {
        static final Names ALL = new Names(true, Set.of());

        Names {
            names = Set.copyOf(names);
        }

        static Names only(String name) {
            return new Names(false, Set.of(name));
        }

        Names merge(Names other) {
            if (all || other.all) {
                return ALL;
            }
            Set<String> union = new HashSet<>(names);
            union.addAll(other.names);
            return new Names(false, union);
        }

        boolean matters(String name) {
            return all || name.startsWith("..") || names.contains(name);
        }
    }

    /** The directories to watch for {@code root}; see {@link #plan}. */
    static Set<Path> directoriesFor(Path root) {
        Map<Path, Names> plan = new LinkedHashMap<>();
        plan(root, plan);
        return plan.keySet();
    }

    /**
     * Adds to {@code plan} the directories whose events can announce a change of {@code root}, and
     * which of their names matter.
     *
     * <ul>
     *   <li>A directory: itself and every directory below it (through symlinks, skipping kubelet's
     *       {@code ..} entries), all names; and its parent, which sees it deleted and re-created.
     *   <li>A file: its parent (where kubelet renames {@code ..data} and editors rename their temp
     *       file), and the parent of the file it resolves to, which sees in-place writes through
     *       a symlink that leads elsewhere. No event ever names a ConfigMap's {@code server.conf}
     *       when {@code ..data} swaps, so the parent is the one that matters.
     *   <li>Either, when it is a symlink (or a chain of them): the directory of every link in the
     *       chain, so that a swap of the link itself, or of a {@code ..data} it points into, is an
     *       event at once (not a find of the safety net).
     *   <li>A missing path: its nearest existing ancestor, until it appears.
     * </ul>
     */
    static void plan(Path root, Map<Path, Names> plan) {
        if (Files.isDirectory(root)) {
            addParent(plan, root);
            addLinkChain(plan, root);
            try {
                Files.walkFileTree(
                        root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                            @Override
                            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                                if (isKubeletInternal(root, dir)) {
                                    return FileVisitResult.SKIP_SUBTREE;
                                }
                                plan.merge(dir, Names.ALL, Names::merge);
                                return FileVisitResult.CONTINUE;
                            }

                            @Override
                            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                                return FileVisitResult.CONTINUE;
                            }
                        });
            } catch (IOException e) {
                plan.merge(root, Names.ALL, Names::merge);
            }
        } else if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            addParent(plan, root);
            addLinkChain(plan, root);
            try {
                addParent(plan, root.toRealPath());
            } catch (IOException dangling) {
                // A dangling symlink: its parent is watched, which is where a swap fixes it.
            }
        } else {
            Path child = root;
            Path ancestor = root.getParent();
            while (ancestor != null && !Files.isDirectory(ancestor)) {
                child = ancestor;
                ancestor = ancestor.getParent();
            }
            if (ancestor != null && child.getFileName() != null) {
                plan.merge(ancestor, Names.only(child.getFileName().toString()), Names::merge);
            }
        }
    }

    /** The directory of each symlink from {@code path} on (at most 40 hops, as Linux allows). */
    private static void addLinkChain(Map<Path, Names> plan, Path path) {
        Path current = path.toAbsolutePath();
        for (int hop = 0; hop < 40 && Files.isSymbolicLink(current); hop++) {
            addParent(plan, current);
            try {
                Path target = Files.readSymbolicLink(current);
                Path parent = current.getParent();
                current = (parent == null ? target : parent.resolve(target)).normalize();
            } catch (IOException | UnsupportedOperationException e) {
                return;
            }
            addParent(plan, current);
        }
    }

    private static void addParent(Map<Path, Names> plan, Path path) {
        Path parent = path.getParent();
        Path name = path.getFileName();
        if (parent != null && name != null && Files.isDirectory(parent)) {
            plan.merge(parent, Names.only(name.toString()), Names::merge);
        }
    }
}
