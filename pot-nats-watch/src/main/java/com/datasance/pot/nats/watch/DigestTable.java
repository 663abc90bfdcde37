package com.datasance.pot.nats.watch;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The content of one watched root at one moment: for each regular file under it (by path relative
 * to the root, {@code ""} for a root that is a file), the SHA-256 of its bytes and the stat it had
 * when it was hashed. Immutable.
 *
 * <p>Columns, not one object per file: with 10,001 JWTs a map of paths to hex strings plus a map of
 * stamps kept ~800 bytes per file on the heap (two copies during a pass); here a file costs its
 * name, its file key and ~50 bytes of arrays.
 */
final class DigestTable {

    static final DigestTable EMPTY =
            new DigestTable(new String[0], new byte[0], new Object[0], new long[0], new byte[0], List.of());

    /**
     * A directory the walk went through and its stat then: a file created, deleted or renamed in
     * it changes its mtime. {@code trusted} as for files: the mtime was older than the racy window.
     */
    record Directory(Path path, Object fileKey, long mtimeNanos, boolean trusted) {}

    static final int HASH_BYTES = 32;

    /** The file exists but could not be read, or vanished mid-walk: a state of its own. */
    static final byte UNREADABLE = 1;

    /** Its mtime was old enough when it was hashed that an unchanged stat means unchanged bytes. */
    static final byte TRUSTED = 2;

    private final String[] names;
    private final byte[] hashes;
    private final Object[] fileKeys;
    /** Two longs per file: size, mtime in nanoseconds. */
    private final long[] stats;

    private final byte[] flags;

    /** The directories the walk went through (the root first when it is one). */
    private final List<Directory> directories;

    private DigestTable(
            String[] names, byte[] hashes, Object[] fileKeys, long[] stats, byte[] flags, List<Directory> directories) {
        this.names = names;
        this.hashes = hashes;
        this.fileKeys = fileKeys;
        this.stats = stats;
        this.flags = flags;
        this.directories = directories;
    }

    /** The directories the walk went through, the root first when it is a directory. */
    List<Path> directories() {
        return directories.stream().map(Directory::path).toList();
    }

    /** The directories with their stat when walked. */
    List<Directory> directoryStats() {
        return directories;
    }

    int size() {
        return names.length;
    }

    String name(int i) {
        return names[i];
    }

    /** The index of {@code name}, or a negative number when absent. */
    int indexOf(String name) {
        return Arrays.binarySearch(names, name);
    }

    boolean unreadable(int i) {
        return (flags[i] & UNREADABLE) != 0;
    }

    /**
     * Whether file {@code i} was hashed from bytes that an unchanged stat still vouches for: same
     * file key (inode), size and mtime, and that mtime older than the racy window when hashed.
     */
    boolean stillValid(int i, Object fileKey, long size, long mtimeNanos) {
        return (flags[i] & (TRUSTED | UNREADABLE)) == TRUSTED
                && fileKeys[i] != null
                && fileKeys[i].equals(fileKey)
                && stats[2 * i] == size
                && stats[2 * i + 1] == mtimeNanos;
    }

    /** Copies the hash of file {@code i} into {@code target} at {@code offset}. */
    void copyHash(int i, byte[] target, int offset) {
        System.arraycopy(hashes, i * HASH_BYTES, target, offset, HASH_BYTES);
    }

    /** Same files with the same content (the stats do not matter). */
    boolean sameContent(DigestTable other) {
        if (other == this) {
            return true;
        }
        if (!Arrays.equals(names, other.names) || !Arrays.equals(hashes, other.hashes)) {
            return false;
        }
        for (int i = 0; i < flags.length; i++) {
            if (unreadable(i) != other.unreadable(i)) {
                return false;
            }
        }
        return true;
    }

    /** Calls {@code changed} with each name whose content differs between {@code before} and this. */
    void differences(DigestTable before, Consumer<String> changed) {
        int i = 0;
        int j = 0;
        while (i < before.names.length || j < names.length) {
            int order = i == before.names.length ? 1 : j == names.length ? -1 : before.names[i].compareTo(names[j]);
            if (order < 0) {
                changed.accept(before.names[i++]);
            } else if (order > 0) {
                changed.accept(names[j++]);
            } else {
                if (before.unreadable(i) != unreadable(j)
                        || !Arrays.equals(
                                before.hashes,
                                i * HASH_BYTES,
                                (i + 1) * HASH_BYTES,
                                hashes,
                                j * HASH_BYTES,
                                (j + 1) * HASH_BYTES)) {
                    changed.accept(names[j]);
                }
                i++;
                j++;
            }
        }
    }

    /** The content as a map of relative path to hex SHA-256 (or {@code unreadable}); for tests and logs. */
    Map<Path, String> asMap() {
        Map<Path, String> map = new TreeMap<>();
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < names.length; i++) {
            map.put(
                    Path.of(names[i]),
                    unreadable(i)
                            ? ContentDigests.UNREADABLE
                            : hex.formatHex(hashes, i * HASH_BYTES, (i + 1) * HASH_BYTES));
        }
        return Collections.unmodifiableMap(map);
    }

    /** Collects files in any order; {@link #build(List)} sorts them by name. Not thread-safe. */
    static final class Builder {
        private String[] names = new String[16];
        private byte[] hashes = new byte[16 * HASH_BYTES];
        private Object[] fileKeys = new Object[16];
        private long[] stats = new long[32];
        private byte[] flags = new byte[16];
        private int count;

        /** Adds a file; returns the offset in {@link #hashBuffer()} where its 32-byte hash goes. */
        int add(String name, Object fileKey, long size, long mtimeNanos, byte flag) {
            if (count == names.length) {
                int grown = count * 2;
                names = Arrays.copyOf(names, grown);
                hashes = Arrays.copyOf(hashes, grown * HASH_BYTES);
                fileKeys = Arrays.copyOf(fileKeys, grown);
                stats = Arrays.copyOf(stats, grown * 2);
                flags = Arrays.copyOf(flags, grown);
            }
            names[count] = name;
            fileKeys[count] = fileKey;
            stats[2 * count] = size;
            stats[2 * count + 1] = mtimeNanos;
            flags[count] = flag;
            return count++ * HASH_BYTES;
        }

        /**
         * {@code base} with its entry {@code indices[k]} replaced by the {@code k}th entry added
         * here (same names, so the order holds): a few re-read files of a large table cost an
         * array copy, not an entry-by-entry rebuild.
         */
        DigestTable replaceIn(DigestTable base, int[] indices) {
            if (indices.length != count) {
                throw new IllegalArgumentException(indices.length + " indices for " + count + " entries");
            }
            byte[] h = base.hashes.clone();
            Object[] k = base.fileKeys.clone();
            long[] s = base.stats.clone();
            byte[] f = base.flags.clone();
            for (int e = 0; e < count; e++) {
                int i = indices[e];
                if (!base.names[i].equals(names[e])) {
                    throw new IllegalArgumentException(
                            "entry " + i + " is '" + base.names[i] + "', not '" + names[e] + "'");
                }
                System.arraycopy(hashes, e * HASH_BYTES, h, i * HASH_BYTES, HASH_BYTES);
                k[i] = fileKeys[e];
                s[2 * i] = stats[2 * e];
                s[2 * i + 1] = stats[2 * e + 1];
                f[i] = flags[e];
            }
            return new DigestTable(base.names, h, k, s, f, base.directories);
        }

        /** Adds entry {@code i} of {@code table} as it is. */
        void copy(DigestTable table, int i) {
            int offset =
                    add(table.names[i], table.fileKeys[i], table.stats[2 * i], table.stats[2 * i + 1], table.flags[i]);
            table.copyHash(i, hashes, offset);
        }

        /** The hash column, valid until the next {@link #add}. */
        byte[] hashBuffer() {
            return hashes;
        }

        DigestTable build(List<Directory> directories) {
            List<Directory> dirs = List.copyOf(directories);
            if (count == 0) {
                return dirs.isEmpty()
                        ? EMPTY
                        : new DigestTable(new String[0], new byte[0], new Object[0], new long[0], new byte[0], dirs);
            }
            Integer[] order = new Integer[count];
            boolean sorted = true;
            for (int i = 0; i < count; i++) {
                order[i] = i;
                sorted &= i == 0 || names[i - 1].compareTo(names[i]) < 0;
            }
            if (!sorted) {
                Arrays.sort(order, (a, b) -> names[a].compareTo(names[b]));
            }
            String[] n = new String[count];
            byte[] h = new byte[count * HASH_BYTES];
            Object[] k = new Object[count];
            long[] s = new long[count * 2];
            byte[] f = new byte[count];
            int out = 0;
            for (int idx = 0; idx < count; idx++) {
                int i = order[idx];
                if (out > 0 && n[out - 1].equals(names[i])) {
                    continue; // a name reached twice (a symlink loop walked once): the first wins
                }
                n[out] = names[i];
                System.arraycopy(hashes, i * HASH_BYTES, h, out * HASH_BYTES, HASH_BYTES);
                k[out] = fileKeys[i];
                s[2 * out] = stats[2 * i];
                s[2 * out + 1] = stats[2 * i + 1];
                f[out] = flags[i];
                out++;
            }
            if (out < count) {
                n = Arrays.copyOf(n, out);
                h = Arrays.copyOf(h, out * HASH_BYTES);
                k = Arrays.copyOf(k, out);
                s = Arrays.copyOf(s, out * 2);
                f = Arrays.copyOf(f, out);
            }
            return new DigestTable(n, h, k, s, f, dirs);
        }
    }
}
