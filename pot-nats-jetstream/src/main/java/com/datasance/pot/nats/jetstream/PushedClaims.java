package com.datasance.pot.nats.jetstream;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What the claims push knows about each {@code <KEY>.jwt} of the resolver directory after a push:
 * the SHA-256 of the JWT last pushed for it (when one was), and the stat of the file when its
 * content was last found equal to it (when it was). Immutable; one table replaces the last after
 * each push.
 *
 * <p>Columns, not maps of objects: with 10,001 JWTs two concurrent maps (key to hex digest, key to
 * a stamp record holding a file key and a {@code FileTime}) kept ~400 bytes per account on the
 * heap; here an account costs its key string, its file key and ~50 bytes of arrays.
 */
final class PushedClaims {

    static final PushedClaims EMPTY =
            new PushedClaims(new String[0], new byte[0], new Object[0], new long[0], new byte[0]);

    private static final int HASH = 32;
    private static final byte DIGEST = 1;
    private static final byte STAMP = 2;

    private final String[] keys;
    private final byte[] digests;
    private final Object[] fileKeys;
    /** Two longs per key: size, mtime in nanoseconds. */
    private final long[] stats;

    private final byte[] flags;

    private PushedClaims(String[] keys, byte[] digests, Object[] fileKeys, long[] stats, byte[] flags) {
        this.keys = keys;
        this.digests = digests;
        this.fileKeys = fileKeys;
        this.stats = stats;
        this.flags = flags;
    }

    int size() {
        return keys.length;
    }

    /** The index of {@code key}, or a negative number when unknown. */
    int indexOf(String key) {
        return Arrays.binarySearch(keys, key);
    }

    /** Whether the JWT last pushed for entry {@code i} has this hex SHA-256. */
    boolean pushed(int i, String hexDigest) {
        if (i < 0 || (flags[i] & DIGEST) == 0) {
            return false;
        }
        byte[] digest = HexFormat.of().parseHex(hexDigest);
        return Arrays.equals(digests, i * HASH, (i + 1) * HASH, digest, 0, HASH);
    }

    /** Whether entry {@code i}'s file had {@code stamp} when its content matched what was pushed. */
    boolean stampMatches(int i, ClaimsFile.Stamp stamp) {
        return i >= 0
                && (flags[i] & (STAMP | DIGEST)) == (STAMP | DIGEST)
                && fileKeys[i] != null
                && fileKeys[i].equals(stamp.fileKey())
                && stats[2 * i] == stamp.size()
                && stats[2 * i + 1] == stamp.mtimeNanos();
    }

    /** Collects the entries of one push in any order; not thread-safe. */
    static final class Builder {
        private String[] keys = new String[16];
        private byte[] digests = new byte[16 * HASH];
        private Object[] fileKeys = new Object[16];
        private long[] stats = new long[32];
        private byte[] flags = new byte[16];
        private int count;

        /** Keeps entry {@code i} of {@code previous} as it is. */
        void keep(PushedClaims previous, int i) {
            int at = add(previous.keys[i], previous.flags[i]);
            System.arraycopy(previous.digests, i * HASH, digests, at * HASH, HASH);
            fileKeys[at] = previous.fileKeys[i];
            stats[2 * at] = previous.stats[2 * i];
            stats[2 * at + 1] = previous.stats[2 * i + 1];
        }

        /** A key whose content equals what was pushed, with the stat it has now. */
        void same(String key, String hexDigest, ClaimsFile.Stamp stamp) {
            int at = add(key, (byte) (DIGEST | (stamp != null ? STAMP : 0)));
            System.arraycopy(HexFormat.of().parseHex(hexDigest), 0, digests, at * HASH, HASH);
            if (stamp != null) {
                fileKeys[at] = stamp.fileKey();
                stats[2 * at] = stamp.size();
                stats[2 * at + 1] = stamp.mtimeNanos();
            }
        }

        /** A key whose content is being pushed; returns the handle for {@link #pushed}. */
        int pending(String key) {
            return add(key, (byte) 0);
        }

        /** The push of the entry {@link #pending} returned was accepted, with this digest. */
        void pushed(int handle, String hexDigest) {
            System.arraycopy(HexFormat.of().parseHex(hexDigest), 0, digests, handle * HASH, HASH);
            flags[handle] = DIGEST;
        }

        private int add(String key, byte flag) {
            if (count == keys.length) {
                int grown = count * 2;
                keys = Arrays.copyOf(keys, grown);
                digests = Arrays.copyOf(digests, grown * HASH);
                fileKeys = Arrays.copyOf(fileKeys, grown);
                stats = Arrays.copyOf(stats, grown * 2);
                flags = Arrays.copyOf(flags, grown);
            }
            keys[count] = key;
            flags[count] = flag;
            fileKeys[count] = null;
            return count++;
        }

        PushedClaims build() {
            Integer[] order = new Integer[count];
            for (int i = 0; i < count; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> keys[a].compareTo(keys[b]));
            String[] k = new String[count];
            byte[] d = new byte[count * HASH];
            Object[] f = new Object[count];
            long[] s = new long[count * 2];
            byte[] fl = new byte[count];
            for (int out = 0; out < count; out++) {
                int i = order[out];
                k[out] = keys[i];
                System.arraycopy(digests, i * HASH, d, out * HASH, HASH);
                f[out] = fileKeys[i];
                s[2 * out] = stats[2 * i];
                s[2 * out + 1] = stats[2 * i + 1];
                fl[out] = flags[i];
            }
            return new PushedClaims(k, d, f, s, fl);
        }
    }
}
