package com.datasance.pot.nats.watch;

import com.datasance.pot.nats.api.SafeText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SHA-256 of watched content, following symlinks, and the directories to watch for it. Not
 * thread-safe: the watcher uses it under its lock.
 *
 * <p>Entries whose name starts with {@code ..} are skipped below a watched root: kubelet reserves
 * them ({@code ..data}, {@code ..data_tmp}, {@code ..2026_11_23_19_04_05.123}) for its atomic
 * writer, and the user-visible symlinks already lead to the same bytes. Counting them would turn
 * a swap to identical content into a change, because the timestamped name differs.
 *
 * <p>Only regular files (after following symlinks) are read: FIFOs, devices and sockets are
 * skipped by their type, before any open (an open of a FIFO blocks until a writer comes). Files
 * and directories on the kernel's own filesystems ({@code /proc}, {@code /sys}...) are skipped
 * too: they say "regular, 0 bytes", yet a read of {@code /proc/kmsg} blocks forever, and a walk of
 * {@code /proc} following links reaches the whole root filesystem through {@code /proc/N/cwd}.
 * No config, TLS, JWT or creds file lives there. A file over {@link #MAX_READ_BYTES} is not read
 * either: its digest is of its size, mtime and file key (a 2 GB sparse file took ~8 s to hash).
 * A walk interrupted in a read ends with {@link CancellationException}: no table is made of a
 * half-read tree.
 */
final class ContentDigests {

    private static final Logger LOG = LoggerFactory.getLogger(ContentDigests.class);

    /**
     * The most a file is read for its digest. A config, TLS, JWT or creds file is a few KiB; one
     * beyond this is digested by its stat instead (logged once per path).
     */
    static final long MAX_READ_BYTES = 64L * 1024 * 1024;

    /**
     * The kernel's filesystems (type as /proc/self/mounts names it): their files are views of
     * kernel state with made-up sizes, some block a read forever, none is config.
     */
    static final Set<String> KERNEL_FILESYSTEMS = Set.of(
            "proc",
            "sysfs",
            "debugfs",
            "tracefs",
            "securityfs",
            "cgroup",
            "cgroup2",
            "configfs",
            "bpf",
            "pstore",
            "efivarfs",
            "fusectl",
            "devpts",
            "mqueue");

    /** How many distinct paths are logged as skipped or over the cap, at most, per JVM. */
    private static final int MAX_LOGGED = 1000;

    /**
     * The paths logged as skipped or over the cap: shared by every instance (the launcher's
     * baseline and its watcher digest the same tree), so each is logged once per JVM.
     */
    private static final Set<Path> LOGGED = ConcurrentHashMap.newKeySet();

    /** The digest shown for a file that exists but cannot be read (or vanished mid-walk). */
    static final String UNREADABLE = "unreadable";

    /**
     * Timestamps on Linux filesystems advance in ticks of a few milliseconds (FAT: 2 s), so a file
     * rewritten within one tick of being hashed can keep its size and mtime. A hash is reused
     * only for files whose mtime is older than this before the hash was taken (git's "racily
     * clean" rule).
     */
    static final Duration RACY_WINDOW = Duration.ofSeconds(3);

    /**
     * Which files a pass reads. {@link #ALL}: every file (a queue overflow, the first digest).
     * Otherwise a file is read when its path, or a directory above it, is in {@code named} (an
     * event named it), or when its stat differs from when it was last hashed (file key, size,
     * mtime), or when that hash was taken within {@link #RACY_WINDOW} of its mtime; every other
     * file keeps its hash (one stat instead of a read: 10,001 JWTs cost a stat each, not a read
     * each, when one changed).
     */
    record Reads(boolean all, Set<Path> named) {
        static final Reads ALL = new Reads(true, Set.of());
        static final Reads CHANGED_STAT = new Reads(false, Set.of());

        Reads {
            named = Set.copyOf(named);
        }

        static Reads named(Set<Path> named) {
            return new Reads(false, named);
        }

        boolean mustRead(Path file) {
            if (all) {
                return true;
            }
            if (named.isEmpty()) {
                return false;
            }
            // Up to the root and above it: a directory swapped by rename over the root's own
            // (a file's directory is watched by name in its parent) is named by that event.
            for (Path p = file; p != null; p = p.getParent()) {
                if (named.contains(p)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final MessageDigest sha256 = sha256();
    private final byte[] buffer = new byte[8192];
    private final KernelFilesystems kernel = new KernelFilesystems();

    /** {@link #digest(Path, DigestTable, Reads)} reading every file. */
    DigestTable digest(Path root) {
        return digest(root, DigestTable.EMPTY, Reads.ALL);
    }

    /**
     * Digests of every regular file at or under {@code root}, by path relative to it (the empty
     * path when {@code root} is a file). A missing root has no entries.
     *
     * @param previous the last table of this root: hashes are reused from it as {@code reads} allows
     */
    DigestTable digest(Path root, DigestTable previous, Reads reads) {
        DigestTable.Builder table = new DigestTable.Builder();
        List<DigestTable.Directory> directories = new ArrayList<>();
        long walkStart = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        if (!Files.exists(root)) {
            return table.build(directories);
        }
        int prefix = root.toString().length() + 1;
        try {
            Files.walkFileTree(
                    root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            if (isKubeletInternal(root, dir)) {
                                return FileVisitResult.SKIP_SUBTREE;
                            }
                            if (kernel.holds(dir)) {
                                logSkipped(dir);
                                return FileVisitResult.SKIP_SUBTREE;
                            }
                            long mtime = attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS);
                            directories.add(new DigestTable.Directory(
                                    dir, attrs.fileKey(), mtime, mtime < walkStart - RACY_WINDOW.toNanos()));
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            if (Thread.currentThread().isInterrupted()) {
                                throw new CancellationException("digest of " + root + " interrupted");
                            }
                            if (attrs.isRegularFile() && !isKubeletInternal(root, file)) {
                                String name =
                                        file.equals(root) ? "" : file.toString().substring(prefix);
                                hash(table, name, file, attrs, previous, !reads.mustRead(file));
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException exc) {
                            // A symlink loop is walked once; a dangling symlink or an entry that
                            // vanished mid-walk is a state of its own, so the next settled state
                            // differs from it.
                            if (!(exc instanceof FileSystemLoopException) && !isKubeletInternal(root, file)) {
                                String name =
                                        file.equals(root) ? "" : file.toString().substring(prefix);
                                table.add(name, null, -1, 0, DigestTable.UNREADABLE);
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            table.add("", null, -1, 0, DigestTable.UNREADABLE);
        }
        return table.build(directories);
    }

    /**
     * An event-driven pass over a directory root without a walk: when no directory under it
     * changed its stat (nothing created, deleted or renamed there) and every path the events named
     * under it is a file it knows, only those files are read again and every other entry is kept.
     * A write no event announced is left to the safety net, as it is left there when no event
     * came at all. Empty when that does not hold (a file root, a directory that moved, a named
     * path that is no known file): the caller walks.
     *
     * <p>Why: with 10,001 JWTs a walk is a stat per file (~0.1 s of CPU at best, ~1 s on a busy
     * 2-core machine) for each change that named one file.
     */
    Optional<DigestTable> rehashNamed(Path root, DigestTable previous, Set<Path> named) {
        if (previous.directoryStats().isEmpty() || directoriesMoved(root, previous)) {
            return Optional.empty();
        }
        Set<Integer> reread = new HashSet<>();
        for (Path path : named) {
            if (root.startsWith(path) && !root.equals(path)) {
                return Optional.empty(); // a directory above the root was swapped: walk
            }
            if (!path.startsWith(root)) {
                continue;
            }
            int i = path.equals(root)
                    ? -1
                    : previous.indexOf(root.relativize(path).toString());
            if (i < 0) {
                return Optional.empty();
            }
            reread.add(i);
        }
        if (reread.isEmpty()) {
            return Optional.of(previous);
        }
        int[] indices = reread.stream().mapToInt(Integer::intValue).sorted().toArray();
        DigestTable.Builder table = new DigestTable.Builder();
        for (int i : indices) {
            String name = previous.name(i);
            Path file = root.resolve(name);
            try {
                BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
                if (!attrs.isRegularFile() || kernel.holds(file)) {
                    return Optional.empty();
                }
                hash(table, name, file, attrs, previous, false);
            } catch (IOException gone) {
                return Optional.empty();
            }
        }
        return Optional.of(table.replaceIn(previous, indices));
    }

    private void hash(
            DigestTable.Builder table,
            String name,
            Path file,
            BasicFileAttributes attrs,
            DigestTable previous,
            boolean reuse) {
        Object fileKey = attrs.fileKey();
        long size = attrs.size();
        long mtime = attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        if (reuse) {
            int known = previous.indexOf(name);
            if (known >= 0 && previous.stillValid(known, fileKey, size, mtime)) {
                int offset = table.add(name, fileKey, size, mtime, DigestTable.TRUSTED);
                previous.copyHash(known, table.hashBuffer(), offset);
                return;
            }
        }
        if (kernel.holds(file)) {
            // A symlink out of the tree into /proc or /sys: as a FIFO, no entry at all.
            logSkipped(file);
            return;
        }
        long hashedAt = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        sha256.reset();
        try {
            if (size > MAX_READ_BYTES || !readInto(file)) {
                statDigest(file, fileKey, size, mtime);
            }
        } catch (ClosedByInterruptException e) {
            throw new CancellationException("digest of " + file + " interrupted");
        } catch (IOException e) {
            table.add(name, null, -1, 0, DigestTable.UNREADABLE);
            return;
        }
        boolean trusted = mtime < hashedAt - RACY_WINDOW.toNanos();
        int offset = table.add(name, fileKey, size, mtime, trusted ? DigestTable.TRUSTED : 0);
        try {
            sha256.digest(table.hashBuffer(), offset, DigestTable.HASH_BYTES);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 writes 32 bytes", e);
        }
    }

    /**
     * Feeds the content of {@code file} to the digest, reading at most {@link #MAX_READ_BYTES}.
     *
     * @return false when the file holds more than that (it grew since its stat): the caller
     *     digests its stat instead
     */
    private boolean readInto(Path file) throws IOException {
        long total = 0;
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
                if (total > MAX_READ_BYTES) {
                    return false;
                }
                sha256.update(buffer, 0, n);
            }
        }
        return true;
    }

    /**
     * The digest of a file too large to read: its size, mtime and file key (device and inode), so
     * that a rewrite, a touch or a replacement is still a change. A same-size in-place write
     * within one mtime tick is not seen; no real config file is this large.
     */
    private void statDigest(Path file, Object fileKey, long size, long mtime) {
        if (remember(file)) {
            LOG.warn(
                    "{} is over {} MiB: no config, TLS, JWT or creds file is; its changes are told by size,"
                            + " mtime and inode, not content",
                    SafeText.quote(file.toString()),
                    MAX_READ_BYTES / (1024 * 1024));
        }
        sha256.reset();
        sha256.update(("stat " + size + " " + mtime + " " + fileKey).getBytes(StandardCharsets.UTF_8));
    }

    private void logSkipped(Path path) {
        if (remember(path)) {
            LOG.warn(
                    "not digesting {}: it is on a kernel filesystem (/proc, /sys...), not config, and a read"
                            + " there may block forever",
                    SafeText.quote(path.toString()));
        }
    }

    /** True the first time {@code path} is seen (up to {@link #MAX_LOGGED} paths). */
    private boolean remember(Path path) {
        return LOGGED.size() < MAX_LOGGED && LOGGED.add(path);
    }

    /**
     * Whether a path is on one of the {@link #KERNEL_FILESYSTEMS}, following symlinks. The
     * filesystem type is looked up once per device (a stat gives the device; the type costs a read
     * of the mount table). Not thread-safe; a missing path is on none.
     */
    static final class KernelFilesystems {
        private final Map<Object, Boolean> byDevice = new HashMap<>();

        boolean holds(Path path) {
            Object device;
            try {
                device = Files.getAttribute(path, "unix:dev");
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                device = null;
            }
            if (device != null) {
                Boolean known = byDevice.get(device);
                if (known != null) {
                    return known;
                }
            }
            boolean kernel;
            try {
                kernel = KERNEL_FILESYSTEMS.contains(Files.getFileStore(path).type());
            } catch (IOException e) {
                kernel = false;
            }
            if (device != null) {
                byDevice.put(device, kernel);
            }
            return kernel;
        }
    }

    /**
     * A cheap look for the safety net: whether a directory walked for {@code table} changed its
     * stat (an entry created, deleted or renamed in it; re-created; or too recently modified to
     * tell), or, for a root that had no directory, whether it appeared.
     */
    static boolean directoriesMoved(Path root, DigestTable table) {
        List<DigestTable.Directory> dirs = table.directoryStats();
        if (dirs.isEmpty()) {
            return table.size() == 0 && Files.exists(root, LinkOption.NOFOLLOW_LINKS);
        }
        for (DigestTable.Directory dir : dirs) {
            try {
                BasicFileAttributes attrs = Files.readAttributes(dir.path(), BasicFileAttributes.class);
                if (!dir.trusted()
                        || !attrs.isDirectory()
                        || !java.util.Objects.equals(dir.fileKey(), attrs.fileKey())
                        || dir.mtimeNanos() != attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS)) {
                    return true;
                }
            } catch (IOException gone) {
                return true;
            }
        }
        return false;
    }

    /**
     * A cheap look for the safety net: whether file {@code i} of {@code table} (under {@code root})
     * has a stat that no longer vouches for its hash (a stat, following links, no read).
     */
    static FileLook fileMoved(Path root, DigestTable table, int i) {
        if (table.unreadable(i)) {
            return FileLook.WALK;
        }
        String name = table.name(i);
        Path file = name.isEmpty() ? root : root.resolve(name);
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            return table.stillValid(
                            i,
                            attrs.fileKey(),
                            attrs.size(),
                            attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS))
                    ? FileLook.UNCHANGED
                    : FileLook.READ;
        } catch (IOException gone) {
            return FileLook.WALK;
        }
    }

    /**
     * What a stat says of a known file: unchanged; to be read again (its stat moved, or its hash
     * is too recent to trust); or gone or unreadable (the path is walked again).
     */
    enum FileLook {
        UNCHANGED,
        READ,
        WALK
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
     *       {@code ..} entries), all names; and its parent (and the parent of the directory it
     *       resolves to), which sees it renamed away, deleted and re-created, or swapped.
     *   <li>A file: its parent (where kubelet renames {@code ..data} and editors rename their temp
     *       file), and the parent of the file it resolves to, which sees in-place writes through
     *       a symlink that leads elsewhere; and the parent of each of those two directories, for
     *       the directory's own name, which sees the whole directory swapped by rename ({@code mv
     *       cfg cfg.old; mv cfg.new cfg}). One level up only: not every ancestor up to {@code /}.
     *   <li>Any path: the directory holding each symlink met on the way to its target, in any
     *       component and through chains, absolute or relative ({@code /etc/nats -> /vol/current},
     *       {@code current -> v1}, kubelet's {@code ..data}), for the link's name, so that a link
     *       swapped anywhere on the way is an event at once (not a find of the safety net).
     *   <li>A missing path: its nearest existing ancestor, until it appears.
     * </ul>
     */
    static void plan(Path root, Map<Path, Names> plan) {
        plan(root, plan, List.of());
    }

    /**
     * {@link #plan(Path, Map)}, taking the directories under a directory root from {@code known}
     * (the last digest walk of it, root first) instead of walking it again: a walk stats every
     * file. The caller compares the directories of its next digest with the ones planned and
     * plans again when new ones appeared, so a new sub-directory is still watched before its
     * content is trusted.
     */
    static void plan(Path root, Map<Path, Names> plan, List<Path> known) {
        Path resolved = addLinkHops(plan, root);
        if (Files.isDirectory(root)) {
            addParent(plan, root);
            addParent(plan, resolved);
            if (!known.isEmpty() && known.getFirst().equals(root)) {
                known.forEach(dir -> plan.merge(dir, Names.ALL, Names::merge));
                return;
            }
            KernelFilesystems kernel = new KernelFilesystems();
            try {
                Files.walkFileTree(
                        root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                            @Override
                            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                                if (isKubeletInternal(root, dir) || kernel.holds(dir)) {
                                    // /proc/N/cwd leads to the whole root filesystem: never walked.
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
            // A dangling symlink resolves as far as it goes: the directories on its way are
            // watched, which is where a swap fixes it.
            addParent(plan, root);
            addParent(plan, root.getParent());
            addParent(plan, resolved);
            addParent(plan, resolved.getParent());
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

    /** Linux follows at most 40 symlinks in one path lookup (ELOOP beyond). */
    private static final int MAX_LINKS = 40;

    /**
     * Resolves {@code path} one component at a time, as the kernel does, and adds the directory
     * holding each symlink met (in any component, through chains, absolute or relative targets)
     * with the link's name. Returns the path reached: the real path when it exists; from the first
     * missing component on, the rest joined lexically.
     */
    static Path addLinkHops(Map<Path, Names> plan, Path path) {
        Path absolute = path.toAbsolutePath();
        Path resolved = absolute.getRoot();
        if (resolved == null) {
            return absolute;
        }
        Deque<String> left = new ArrayDeque<>();
        absolute.forEach(name -> left.addLast(name.toString()));
        int links = 0;
        while (!left.isEmpty()) {
            String name = left.removeFirst();
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                // resolved holds no symlink, so its lexical parent is the real one.
                Path up = resolved.getParent();
                resolved = up == null ? resolved : up;
                continue;
            }
            Path next = resolved.resolve(name);
            if (!Files.isSymbolicLink(next)) {
                resolved = next;
                continue;
            }
            if (++links > MAX_LINKS) {
                // A loop: the kernel says ELOOP and the digest "unreadable"; the hops met are planned.
                return next;
            }
            Path target;
            try {
                target = Files.readSymbolicLink(next);
            } catch (IOException | UnsupportedOperationException e) {
                resolved = next;
                continue;
            }
            plan.merge(resolved, Names.only(name), Names::merge);
            List<String> parts = new ArrayList<>();
            target.forEach(part -> parts.add(part.toString()));
            for (int i = parts.size() - 1; i >= 0; i--) {
                left.addFirst(parts.get(i));
            }
            Path targetRoot = target.getRoot();
            if (targetRoot != null) {
                resolved = targetRoot;
            }
        }
        return resolved;
    }

    private static void addParent(Map<Path, Names> plan, Path path) {
        if (path == null) {
            return;
        }
        Path parent = path.getParent();
        Path name = path.getFileName();
        if (parent != null && name != null && Files.isDirectory(parent)) {
            plan.merge(parent, Names.only(name.toString()), Names::merge);
        }
    }
}
