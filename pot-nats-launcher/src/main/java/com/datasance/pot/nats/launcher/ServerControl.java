package com.datasance.pot.nats.launcher;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * What the reload wiring asks of the {@link Supervisor}: a SIGHUP or a restart, both performed on
 * the supervisor thread so that neither races a stop. Safe from any thread; never blocks.
 */
interface ServerControl extends RestartRequester {

    /** Completes with the pid that got SIGHUP, or empty when no nats-server ran. */
    CompletableFuture<OptionalLong> requestReload(String reason);

    /** Like {@link #requestRestart}; completes with the new pid, or empty when none started. */
    CompletableFuture<OptionalLong> restart(String reason);
}
