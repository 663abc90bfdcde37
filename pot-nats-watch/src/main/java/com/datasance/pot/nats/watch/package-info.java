/**
 * Watches files and directories for content changes: WatchService events are hints, SHA-256 digests after a quiet period are the truth, Kubernetes atomic symlink swaps included; falls back to polling.
 * Generic over the caller's key ({@link com.datasance.pot.nats.watch.WatchedPath}): a change
 * reports the keys of the watched paths whose content changed.
 */
package com.datasance.pot.nats.watch;
