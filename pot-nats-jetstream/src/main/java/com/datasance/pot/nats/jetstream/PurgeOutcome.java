package com.datasance.pot.nats.jetstream;

import java.util.Objects;

/**
 * What one purge reconciliation pass did, or would do, with one account that has JetStream data on
 * disk. The account is the directory name under {@code <store_dir>/jetstream} exactly as found,
 * which for a skipped entry may be anything (never a secret).
 */
public sealed interface PurgeOutcome {

    String account();

    /** The account would be purged; nothing was sent (dry run, or no system-user creds configured). */
    record Planned(String account) implements PurgeOutcome {
        public Planned {
            requireAccount(account);
        }
    }

    /** The server accepted the purge request ({@code initiated: true}). */
    record Purged(String account) implements PurgeOutcome {
        public Purged {
            requireAccount(account);
        }
    }

    /** A safety rule kept the account's data; {@code detail} adds context such as a path. */
    record Skipped(String account, PurgeSkipReason reason, String detail) implements PurgeOutcome {
        public Skipped {
            requireAccount(account);
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        public Skipped(String account, PurgeSkipReason reason) {
            this(account, reason, "");
        }
    }

    /** The request was sent and did not succeed within its attempts; {@code reason} says why. */
    record Failed(String account, String reason) implements PurgeOutcome {
        public Failed {
            requireAccount(account);
            Objects.requireNonNull(reason, "reason");
        }
    }

    private static void requireAccount(String account) {
        Objects.requireNonNull(account, "account");
    }
}
