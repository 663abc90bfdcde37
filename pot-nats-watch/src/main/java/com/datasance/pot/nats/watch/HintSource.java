package com.datasance.pot.nats.watch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Where the watcher's hints come from: kernel events or a poller. Hints only say "look again"; the
 * digests decide. Used by the watcher thread, and by {@link ContentWatcher#replaceWatched} under
 * the watcher's lock, so {@link #watch} and {@link #close} may run while another thread waits in
 * {@link #await}.
 */
interface HintSource extends AutoCloseable {

    enum Hint {
        /** The wait timed out, or the source was closed. */
        NONE,
        /** Something changed in a watched directory. */
        EVENT,
        /** Events were lost; only a full re-digest tells what changed. */
        OVERFLOW
    }

    /**
     * Makes {@code directories} the watched set (adding and dropping), and watches again any of
     * them that was deleted and re-created since the last call.
     *
     * @throws InotifyLimitException when the kernel refuses more watches or instances
     */
    void watch(Set<Path> directories) throws InotifyLimitException;

    /**
     * Which names matter in each watched directory; events for other names are no hint.
     */
    default void relevantNames(Map<Path, ContentDigests.Names> names) {}

    /**
     * The paths events named since the last call (a watched directory joined with the event's
     * name), which the next digest reads whatever their stat says; {@code all} when more arrived
     * than are kept, and every file is read. A source that cannot name paths (the poller) names
     * none: the digest then reads what the stat says moved.
     */
    default Named takeNamed() {
        return Named.NONE;
    }

    /** What {@link #takeNamed} returns. */
    record Named(Set<Path> paths, boolean all) {
        static final Named NONE = new Named(Set.of(), false);
        static final Named ALL = new Named(Set.of(), true);

        public Named {
            paths = Set.copyOf(paths);
        }
    }

    /** Waits up to {@code timeoutNanos} (negative: no limit) and drains every hint that arrived. */
    Hint await(long timeoutNanos) throws InterruptedException;

    /** A short name for log lines: {@code inotify} or {@code polling every 1000 ms}. */
    String describe();

    @Override
    void close();

    /** The kernel refused an inotify instance or watch (ENOSPC / EMFILE). */
    final class InotifyLimitException extends IOException {
        private static final long serialVersionUID = 1L;

        InotifyLimitException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
