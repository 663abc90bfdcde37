package com.datasance.pot.nats.launcher;

/**
 * Asks the supervisor for a graceful restart of nats-server (leaf mode on a config change;
 * NATS_RESTART_ON_ACCOUNT_REMOVAL after a purge). The supervisor thread performs it; callers
 * never signal nats-server themselves. Safe from any thread; never blocks.
 */
@FunctionalInterface
interface RestartRequester {
    void requestRestart(String reason);
}
