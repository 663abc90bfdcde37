package com.datasance.pot.nats.jetstream;

/**
 * Why a purge reconciliation pass left an account's JetStream data alone. Each value names one
 * safety rule of the reconciliation (DESIGN.md, "JetStream purge reconciliation").
 */
public enum PurgeSkipReason {
    /** The server does not run in operator mode with a resolver directory (static accounts, memory resolver). */
    NOT_OPERATOR_MODE_WITH_RESOLVER_DIR("the server does not run in operator mode with a resolver directory"),
    /** The resolver directory is missing or cannot be read. */
    RESOLVER_DIR_UNREADABLE("the resolver directory is missing or unreadable"),
    /** The resolver directory holds no account JWT other than the system account's. */
    RESOLVER_DIR_EMPTY("the resolver directory holds no account JWT other than the system account's"),
    /** The directory name is not a valid account public key ({@code /}, {@code *}, {@code ..}, anything else). */
    NOT_AN_ACCOUNT_KEY("the name is not a valid account public key"),
    /** The system account: its {@code _js_} directory holds a cluster's meta state. */
    SYSTEM_ACCOUNT("it is the system account"),
    /** The store entry is a symbolic link, not a directory nats-server made. */
    SYMLINK("the store entry is a symbolic link"),
    /** The account's JWT was back in the resolver directory when the request was about to be sent. */
    BACK_IN_RESOLVER("its JWT is back in the resolver directory"),
    /** The JWT has not been absent for the whole grace period yet ({@code NATS_PURGE_GRACE}). */
    IN_GRACE_PERIOD("its JWT has not been absent for the grace period yet"),
    /** nats-server still has client or leafnode connections of the account. */
    HAS_CONNECTIONS("nats-server still has client or leafnode connections of the account"),
    /** nats-server did not say whether the account has client or leafnode connections; only a known zero purges. */
    CONNECTIONS_UNKNOWN("nats-server did not say whether the account has client or leafnode connections");

    private final String description;

    PurgeSkipReason(String description) {
        this.description = description;
    }

    /**
     * A short lower-case phrase for log lines.
     *
     * @return e.g. {@code it is the system account}
     */
    public String description() {
        return description;
    }
}
