package com.datasance.pot.nats.jetstream;

import java.util.Objects;
import java.util.Optional;

/**
 * What one purge reconciliation pass did, or would do, with one account that has JetStream data on
 * disk. The account is the directory name under {@code <store_dir>/jetstream} exactly as found,
 * which for a skipped entry may be anything (never a secret).
 */
public sealed interface PurgeOutcome {

    /**
     * The account, as its directory is named in the store.
     *
     * @return the name; never null
     */
    String account();

    /**
     * The account would be purged; nothing was sent (dry run, or no system-user creds configured).
     *
     * @param account the account
     */
    record Planned(String account) implements PurgeOutcome {
        /**
         * Checks the account.
         *
         * @throws NullPointerException when it is null
         */
        public Planned {
            requireAccount(account);
        }
    }

    /**
     * The server accepted the purge request ({@code initiated: true}).
     *
     * @param account the account
     */
    record Purged(String account) implements PurgeOutcome {
        /**
         * Checks the account.
         *
         * @throws NullPointerException when it is null
         */
        public Purged {
            requireAccount(account);
        }
    }

    /**
     * A safety rule kept the account's data.
     *
     * @param account the account
     * @param reason the rule
     * @param detail context such as a path or a due time; empty when none
     */
    record Skipped(String account, PurgeSkipReason reason, String detail) implements PurgeOutcome {
        /**
         * Checks the components.
         *
         * @throws NullPointerException when one is null
         */
        public Skipped {
            requireAccount(account);
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        /**
         * A skip without detail.
         *
         * @param account the account
         * @param reason the rule
         */
        public Skipped(String account, PurgeSkipReason reason) {
            this(account, reason, "");
        }
    }

    /**
     * The request was sent and did not succeed within its attempts.
     *
     * @param account the account
     * @param kind what went wrong, for decisions
     * @param errCode nats-server's {@code err_code} when the last reply carried one
     * @param reason one line for people
     */
    record Failed(String account, FailureKind kind, Optional<Integer> errCode, String reason) implements PurgeOutcome {
        /**
         * Checks the components.
         *
         * @throws NullPointerException when one is null
         */
        public Failed {
            requireAccount(account);
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(errCode, "errCode");
            Objects.requireNonNull(reason, "reason");
        }

        /**
         * A failure without a server error code.
         *
         * @param account the account
         * @param kind what went wrong
         * @param reason one line for people
         */
        public Failed(String account, FailureKind kind, String reason) {
            this(account, kind, Optional.empty(), reason);
        }
    }

    /** What went wrong with a request, by type (never read from a message). */
    enum FailureKind {
        /** No responder: no JetStream, or no meta leader, until the ready deadline. */
        NO_RESPONDERS,
        /** No reply within the request timeout. */
        TIMEOUT,
        /** The server replied with {@code error} (see {@link Failed#errCode()}). */
        ERROR_REPLY,
        /** The reply did not say {@code initiated: true}. */
        NOT_INITIATED,
        /** The reply was not the JSON expected, or a status other than 503. */
        UNREADABLE_REPLY,
        /** The request itself failed (connection lost, ...). */
        REQUEST_FAILED
    }

    private static void requireAccount(String account) {
        Objects.requireNonNull(account, "account");
    }
}
