package com.datasance.pot.nats.watch;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A file or directory to watch and the caller's key that a change of its content reports. A
 * directory is watched with everything under it; symlinks are followed. The path need not exist.
 *
 * <p>The key is the caller's own name for what this content means (the launcher's is an enum of
 * its mounted inputs): the watcher only stores it, once per watched path, and hands it back in
 * {@link ChangeSet#keys()}. It is compared with {@code equals}, so use a value type (an enum, a
 * record, a string).
 *
 * @param <K> the caller's key type
 * @param path made absolute and normalized by the constructor
 * @param key what a change of this content means to the caller; not null
 */
public record WatchedPath<K>(Path path, K key) {

    /**
     * Makes {@code path} absolute and normalized.
     *
     * @throws NullPointerException when {@code path} or {@code key} is null
     */
    public WatchedPath {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(key, "key");
        path = path.toAbsolutePath().normalize();
    }

    /**
     * The same as the constructor.
     *
     * @param <K> the caller's key type
     * @param path the file or directory to watch; made absolute and normalized
     * @param key what a change of its content means to the caller
     * @return the watched path
     * @throws NullPointerException when {@code path} or {@code key} is null
     */
    public static <K> WatchedPath<K> of(Path path, K key) {
        return new WatchedPath<>(path, key);
    }
}
