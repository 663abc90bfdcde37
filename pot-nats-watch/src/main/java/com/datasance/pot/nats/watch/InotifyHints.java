package com.datasance.pot.nats.watch;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import com.datasance.pot.nats.api.SafeText;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hints from java.nio's WatchService, which is inotify on Linux. One inotify watch per directory;
 * a file is watched through its directory, which is also where Kubernetes renames {@code ..data}.
 */
final class InotifyHints implements HintSource {

    private static final Logger LOG = LoggerFactory.getLogger(InotifyHints.class);

    /** What the kernel watches for one directory, and which directory (inode) that was. */
    private record Registration(WatchKey key, Object fileKey) {}

    private final WatchService service;
    private final Map<Path, Registration> registrations = new HashMap<>();
    private volatile Map<Path, ContentDigests.Names> relevant = Map.of();

    /** A watched directory and the names that matter in it (null: all). */
    private record Watcher(Path directory, ContentDigests.Names names) {}

    /**
     * Who listens on each key. The kernel has one watch per inode, so two watched paths naming one
     * directory (a symlink and its target) share a key whose events matter to either's names.
     */
    private volatile Map<WatchKey, List<Watcher>> byKey = Map.of();

    /** More named paths than this in one burst: the next digest reads every file. */
    static final int MAX_NAMED = 4096;

    // Guarded by itself: the paths events named since the last takeNamed(); null when too many.
    private final Object namedLock = new Object();
    private Set<Path> named = new HashSet<>();

    private InotifyHints(WatchService service) {
        this.service = service;
    }

    /**
     * @throws InotifyLimitException when the kernel refuses a new inotify instance
     *     (fs.inotify.max_user_instances, or the process's open-file limit)
     */
    static InotifyHints open() throws InotifyLimitException {
        try {
            return new InotifyHints(FileSystems.getDefault().newWatchService());
        } catch (IOException e) {
            throw new InotifyLimitException(
                    "cannot create an inotify instance: " + SafeText.escape(String.valueOf(e.getMessage())), e);
        }
    }

    @Override
    public synchronized void watch(Set<Path> directories) throws InotifyLimitException {
        for (Iterator<Map.Entry<Path, Registration>> it =
                        registrations.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<Path, Registration> entry = it.next();
            if (!directories.contains(entry.getKey())) {
                it.remove();
                cancelUnlessShared(entry.getValue().key());
            }
        }
        for (Path directory : directories) {
            Object fileKey;
            try {
                fileKey = Files.readAttributes(directory, BasicFileAttributes.class)
                        .fileKey();
            } catch (IOException gone) {
                // Deleted since the caller looked; the parent's events bring us back here.
                continue;
            }
            Registration known = registrations.get(directory);
            // A directory deleted and re-created is a new inode: its old watch died with it (the
            // kernel sends IN_IGNORED), so compare inodes, not only key validity.
            if (known != null && known.key().isValid() && Objects.equals(known.fileKey(), fileKey)) {
                continue;
            }
            try {
                WatchKey key = directory.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
                registrations.put(directory, new Registration(key, fileKey));
                if (known != null && !known.key().equals(key)) {
                    // A directory swapped by rename: the old inode (now cfg.old) is still watched
                    // under this path; its events would name files that are no longer here.
                    cancelUnlessShared(known.key());
                }
            } catch (ClosedWatchServiceException closed) {
                indexKeys();
                return;
            } catch (IOException e) {
                if (isLimit(e)) {
                    throw new InotifyLimitException(
                            "cannot watch " + SafeText.quote(directory.toString()) + ": "
                                    + SafeText.escape(String.valueOf(e.getMessage())),
                            e);
                }
                LOG.debug(
                        "Not watching {} for now: {}",
                        SafeText.quote(directory.toString()),
                        SafeText.escape(e.toString()));
            }
        }
        indexKeys();
    }

    /** Caller holds this object's lock: rebuilds {@link #byKey} from the registrations. */
    private void indexKeys() {
        Map<Path, ContentDigests.Names> names = relevant;
        Map<WatchKey, List<Watcher>> index = new HashMap<>();
        registrations.forEach(
                (directory, registration) -> index.computeIfAbsent(registration.key(), k -> new ArrayList<>())
                        .add(new Watcher(directory, names.get(directory))));
        byKey = Map.copyOf(index);
    }

    /** inotify_add_watch fails with ENOSPC at fs.inotify.max_user_watches; the JDK words it so. */
    private static boolean isLimit(IOException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("inotify") || message.contains("No space left on device");
    }

    /** Two paths can name one inode (a symlink and its target): the JDK then hands out one key. */
    private void cancelUnlessShared(WatchKey key) {
        boolean shared = registrations.values().stream().anyMatch(r -> r.key().equals(key));
        if (!shared) {
            key.cancel();
        }
    }

    @Override
    public synchronized void relevantNames(Map<Path, ContentDigests.Names> names) {
        relevant = Map.copyOf(names);
        indexKeys();
    }

    @Override
    public Hint await(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            while (true) {
                long left = timeoutNanos < 0 ? -1 : Math.max(0, deadline - System.nanoTime());
                WatchKey key = left < 0 ? service.take() : service.poll(left, TimeUnit.NANOSECONDS);
                Hint hint = drain(key);
                // Events only for names nobody watches (a busy log beside server.conf) are no
                // hint: wait on for the rest of the time instead of waking the caller for nothing.
                if (hint != Hint.NONE || key == null || left == 0) {
                    return hint;
                }
            }
        } catch (ClosedWatchServiceException closed) {
            return Hint.NONE;
        }
    }

    /** The hint in {@code key} (null: none) and in every other key signalled already. */
    private Hint drain(WatchKey key) {
        Hint hint = Hint.NONE;
        Map<WatchKey, List<Watcher>> index = byKey;
        while (key != null) {
            List<WatchEvent<?>> events = key.pollEvents();
            List<Watcher> watchers = index.get(key);
            if (watchers == null) {
                watchers = List.of(new Watcher(key.watchable() instanceof Path dir ? dir : null, null));
            }
            for (WatchEvent<?> event : events) {
                if (OVERFLOW.equals(event.kind())) {
                    hint = Hint.OVERFLOW;
                    continue;
                }
                for (Watcher watcher : watchers) {
                    if (matters(watcher.names(), event)) {
                        remember(watcher.directory(), event.context());
                        if (hint == Hint.NONE) {
                            hint = Hint.EVENT;
                        }
                    }
                }
            }
            boolean valid = key.reset();
            // A key whose watch is gone is still a hint: the JDK signals a key when its watch
            // is removed (IN_IGNORED), which is how a deleted directory shows up.
            if (hint == Hint.NONE && (events.isEmpty() || !valid)) {
                hint = Hint.EVENT;
            }
            key = service.poll();
        }
        return hint;
    }

    private void remember(Object directory, Object name) {
        synchronized (namedLock) {
            if (named == null) {
                return;
            }
            if (directory instanceof Path dir && name instanceof Path entry && named.size() < MAX_NAMED) {
                named.add(dir.resolve(entry));
            } else {
                named = null; // too many (or no name): read everything next time
            }
        }
    }

    @Override
    public Named takeNamed() {
        synchronized (namedLock) {
            Set<Path> taken = named;
            named = new HashSet<>();
            return taken == null ? Named.ALL : new Named(taken, false);
        }
    }

    /** Events for names nobody watches in that directory (a busy log file) are no hint. */
    private static boolean matters(ContentDigests.Names wanted, WatchEvent<?> event) {
        if (wanted == null || !(event.context() instanceof Path name)) {
            return true;
        }
        return wanted.matters(name.toString());
    }

    /** How many directories the kernel watches for us; for tests and log lines. */
    synchronized int watchCount() {
        return registrations.size();
    }

    @Override
    public String describe() {
        return "inotify";
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            LOG.debug("Closing the watch service: {}", e.toString());
        }
    }
}
