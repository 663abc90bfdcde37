package com.datasance.pot.nats.watch;

import com.datasance.pot.nats.api.ChangeCause;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file or directory to watch and the cause a change of its content reports. A directory is
 * watched with everything under it; symlinks are followed. The path need not exist.
 *
 * @param path made absolute and normalized by the constructor
 * @param cause what a change of this content means to the caller
 */
public record WatchedPath(Path path, ChangeCause cause) {

    public WatchedPath {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(cause, "cause");
        path = path.toAbsolutePath().normalize();
    }

    public static WatchedPath of(Path path, ChangeCause cause) {
        return new WatchedPath(path, cause);
    }
}
