/**
 * Watches files and directories for content changes: WatchService events are hints, SHA-256 digests after a quiet period are the truth, Kubernetes atomic symlink swaps included; falls back to polling.
 */
package com.datasance.pot.nats.watch;
