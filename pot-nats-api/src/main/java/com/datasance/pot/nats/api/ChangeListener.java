package com.datasance.pot.nats.api;

/**
 * Receives coalesced content changes from a watcher. Called on the watcher's own thread, at most
 * once per quiet period, never concurrently with itself; the next burst waits until it returns.
 * A listener that throws is logged by the watcher, which keeps running.
 */
@FunctionalInterface
public interface ChangeListener {

    /** Acts on {@code changes}; the content it describes is already the watcher's new baseline. */
    void onChange(ChangeSet changes);
}
