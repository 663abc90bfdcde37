package com.datasance.pot.nats.launcher;

/**
 * The launcher's key for each watched path: one value per mounted input of the environment
 * contract. The reload rules (by server mode) are written in these terms. It lives here, not in
 * pot-nats-api, because only the launcher gives these keys a meaning: the watcher is generic over
 * its caller's key, so watching one more kind of path is a new value here and nothing else.
 */
enum ChangeCause {
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
