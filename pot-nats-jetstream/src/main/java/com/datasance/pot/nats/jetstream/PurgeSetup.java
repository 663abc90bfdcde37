package com.datasance.pot.nats.jetstream;

import java.util.Objects;

/**
 * What reconciliation can do for one server config, by type ({@link PurgeSettings.Builder#setup()}):
 * purge passes and the claims push, the claims push only, or nothing (with why).
 */
public sealed interface PurgeSetup {

    /**
     * Purge passes and the claims push run with {@code settings}.
     *
     * @param settings the checked settings
     */
    record Ready(PurgeSettings settings) implements PurgeSetup {
        /**
         * Checks the component.
         *
         * @throws NullPointerException when it is null
         */
        public Ready {
            Objects.requireNonNull(settings, "settings");
        }
    }

    /**
     * JetStream is off: nothing to purge, but the claims push can run.
     *
     * @param settings the checked settings (no store directory)
     * @param why one line for the log
     */
    record ClaimsOnly(PurgeSettings settings, String why) implements PurgeSetup {
        /**
         * Checks the components.
         *
         * @throws NullPointerException when one is null
         */
        public ClaimsOnly {
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(why, "why");
        }
    }

    /**
     * Reconciliation does nothing for this config.
     *
     * @param reason which rule turned it off
     * @param why one line for the log, naming the config
     */
    record Off(OffReason reason, String why) implements PurgeSetup {
        /**
         * Checks the components.
         *
         * @throws NullPointerException when one is null
         */
        public Off {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(why, "why");
        }
    }

    /** Why reconciliation is off. */
    enum OffReason {
        /** Static accounts: no resolver says which accounts exist. */
        NOT_OPERATOR_MODE,
        /** A memory or URL resolver, or none: no directory to read. */
        NO_RESOLVER_DIR,
        /** A cache resolver deletes JWT files by itself: its directory does not say which accounts exist. */
        NOT_FULL_RESOLVER,
        /** Neither the config, the operator JWT nor the creds name the system account. */
        NO_SYSTEM_ACCOUNT,
        /** JetStream is not enabled: nothing to purge (the claims push may still run). */
        JETSTREAM_OFF
    }
}
