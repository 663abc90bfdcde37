package com.datasance.pot.nats.watch;

import com.datasance.pot.nats.api.SafeText;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.monitor.FileAlterationListenerAdaptor;
import org.apache.commons.io.monitor.FileAlterationMonitor;
import org.apache.commons.io.monitor.FileAlterationObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hints from commons-io's poller, for filesystems without inotify events (NFS, some FUSE mounts)
 * and for hosts that ran out of inotify watches. Each watched directory gets one observer that
 * looks at its direct entries only: the watcher already lists every directory it cares about,
 * and a recursive observer on a far ancestor (a missing path's nearest parent) would scan a tree.
 */
final class PollingHints implements HintSource {

    private static final Logger LOG = LoggerFactory.getLogger(PollingHints.class);

    private final Duration interval;
    private final FileAlterationMonitor monitor;
    private final Map<Path, FileAlterationObserver> observers = new HashMap<>();
    private final LinkedBlockingQueue<Hint> hints = new LinkedBlockingQueue<>();
    private volatile Map<Path, ContentDigests.Names> relevant = Map.of();
    /** The directories with an observer of their own, for the monitor thread. */
    private volatile Set<Path> polled = Set.of();

    private final FileAlterationListenerAdaptor toHint = new FileAlterationListenerAdaptor() {
        @Override
        public void onDirectoryCreate(File directory) {
            hints.offer(Hint.EVENT);
        }

        @Override
        public void onDirectoryChange(File directory) {
            // A directory polled on its own (a file's directory, seen from its parent, which is
            // polled for a swap of it) changes its mtime with every entry created in it, a busy
            // log's too: its own observer tells whether a name that matters changed.
            if (!polled.contains(directory.toPath())) {
                hints.offer(Hint.EVENT);
            }
        }

        @Override
        public void onDirectoryDelete(File directory) {
            hints.offer(Hint.EVENT);
        }

        @Override
        public void onFileCreate(File file) {
            hints.offer(Hint.EVENT);
        }

        @Override
        public void onFileChange(File file) {
            hints.offer(Hint.EVENT);
        }

        @Override
        public void onFileDelete(File file) {
            hints.offer(Hint.EVENT);
        }
    };

    PollingHints(Duration interval, String threadName) {
        this.interval = interval;
        this.monitor = new FileAlterationMonitor(interval.toMillis());
        monitor.setThreadFactory(
                task -> Thread.ofPlatform().name(threadName).daemon(true).unstarted(task));
        try {
            monitor.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the commons-io file monitor", e);
        }
    }

    @Override
    public synchronized void watch(Set<Path> directories) {
        observers.entrySet().removeIf(entry -> {
            if (directories.contains(entry.getKey())) {
                return false;
            }
            monitor.removeObserver(entry.getValue());
            return true;
        });
        for (Path directory : directories) {
            if (observers.containsKey(directory)) {
                continue;
            }
            File root = directory.toFile();
            try {
                FileAlterationObserver observer = FileAlterationObserver.builder()
                        .setFile(root)
                        .setFileFilter(entry -> root.equals(entry.getParentFile()) && matters(directory, entry))
                        .get();
                observer.addListener(toHint);
                // Without this the first poll would report every existing entry as created.
                observer.initialize();
                monitor.addObserver(observer);
                observers.put(directory, observer);
            } catch (Exception e) {
                LOG.debug(
                        "Not polling {} for now: {}",
                        SafeText.quote(directory.toString()),
                        SafeText.escape(e.toString()));
            }
        }
        polled = Set.copyOf(observers.keySet());
    }

    @Override
    public void relevantNames(Map<Path, ContentDigests.Names> names) {
        relevant = Map.copyOf(names);
    }

    /** Whether a change of {@code entry} of {@code directory} is a hint; a busy log beside server.conf is not. */
    private boolean matters(Path directory, File entry) {
        ContentDigests.Names wanted = relevant.get(directory);
        return wanted == null || wanted.matters(entry.getName());
    }

    @Override
    public Hint await(long timeoutNanos) throws InterruptedException {
        Hint hint = timeoutNanos < 0 ? hints.take() : hints.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        if (hint == null) {
            return Hint.NONE;
        }
        // Drain the rest of this poll's callbacks: one hint per burst is enough.
        hints.clear();
        return hint;
    }

    /** Makes the next {@link #await} return at once, e.g. to re-digest after a switch to polling. */
    void nudge() {
        hints.offer(Hint.EVENT);
    }

    @Override
    public String describe() {
        return "polling every " + interval.toMillis() + " ms";
    }

    @Override
    public void close() {
        try {
            // Bounded: the monitor thread only sleeps between polls, and stop() interrupts it.
            monitor.stop(5_000);
        } catch (IllegalStateException notRunning) {
            // Already stopped.
        } catch (Exception e) {
            LOG.debug("Stopping the file monitor: {}", e.toString());
        }
    }
}
