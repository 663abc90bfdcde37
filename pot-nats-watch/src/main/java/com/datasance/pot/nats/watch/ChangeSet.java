package com.datasance.pot.nats.watch;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One coalesced change of watched content: the key of every watched path whose content differs
 * from the state last reported, the instant of the first event of the burst that led here, and the
 * paths whose content changed (added, removed or rewritten with different bytes).
 *
 * @param <K> the caller's key type, as given with each {@link WatchedPath}
 * @param keys the keys of the watched paths whose content changed, in the order the paths are
 *     watched; never empty, no nulls; unmodifiable
 * @param firstEventAt when the first event of the burst was seen (the safety-net re-digest, which
 *     has no event, uses the instant it ran)
 * @param paths the changed paths, as watched (through symlinks, not resolved); never empty;
 *     unmodifiable
 */
public record ChangeSet<K>(Set<K> keys, Instant firstEventAt, Set<Path> paths) {

    /**
     * Copies both sets.
     *
     * @throws NullPointerException when an argument or a key or path in them is null
     * @throws IllegalArgumentException when {@code keys} or {@code paths} is empty
     */
    public ChangeSet {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(firstEventAt, "firstEventAt");
        Objects.requireNonNull(paths, "paths");
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a change set names at least one key");
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("a change set names at least one path");
        }
        // List.copyOf rejects null keys; the LinkedHashSet keeps the watched order for log lines.
        keys = Collections.unmodifiableSet(new LinkedHashSet<>(List.copyOf(keys)));
        paths = Set.copyOf(paths);
    }

    /**
     * Whether the content of a path watched with {@code key} changed.
     *
     * @param key a key as given with a {@link WatchedPath}
     * @return true when {@code key} is among {@link #keys()}
     */
    public boolean contains(K key) {
        return keys.contains(key);
    }
}
