package com.datasance.pot.nats.watch;

/**
 * Receives coalesced content changes from a {@link ContentWatcher}. Called on the watcher's own
 * thread, at most once per quiet period, never concurrently with itself; the next burst waits
 * until it returns. A listener that throws is logged by the watcher, which keeps running.
 *
 * @param <K> the caller's key type, as given with each {@link WatchedPath}
 */
@FunctionalInterface
public interface ChangeListener<K> {

    /**
     * Acts on {@code changes}. The change counts as applied when this returns, unless it called
     * {@link ContentWatcher#retryLater} or {@link ContentWatcher#notAppliedUntilNextChange}: then
     * the watcher reports it again (with whatever else differs from the content last applied).
     *
     * @param changes what changed since the last call; never null
     */
    void onChange(ChangeSet<K> changes);
}
