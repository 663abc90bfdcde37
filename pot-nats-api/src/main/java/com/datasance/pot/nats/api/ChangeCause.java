package com.datasance.pot.nats.api;

/**
 * Why the watched state changed, one value per mounted input of the environment contract. The
 * launcher's reload rules (by server mode) are written in these terms.
 */
public enum ChangeCause {
    /** The server config, a file it includes, or a TLS file it names. */
    CONFIG,
    /** The account config (NATS_ACCOUNTS). */
    ACCOUNTS,
    /** TLS material (NATS_SSL_DIR). */
    SSL,
    /** The JWT resolver directory, or the read-only mount mirrored into it. */
    JWT,
    /** Creds files (NATS_CREDS_DIR). */
    CREDS
}
