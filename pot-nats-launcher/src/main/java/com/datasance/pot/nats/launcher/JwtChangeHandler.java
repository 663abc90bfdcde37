package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.watch.ChangeSet;

/**
 * The seam between the reload wiring and the JetStream wiring: what happens around a reload when
 * the JWT resolver (or its read-only mount) changed. Both calls run on the watcher thread, one
 * change at a time; a slow call delays the next burst, it never loses it.
 */
interface JwtChangeHandler {

    /** Before the config check and the reload: bring the resolver directory up to date. */
    void beforeReload(ChangeSet<ChangeCause> changes);

    /**
     * After the reload was applied (or, in leaf mode, instead of one): reconcile JetStream data
     * with the resolver and push the account claims to the server.
     */
    void afterReload(ChangeSet<ChangeCause> changes);
}
