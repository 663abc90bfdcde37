package com.datasance.pot.nats.watch;

/** The tests' key type for watched paths, as the launcher has its own: what a change means. */
enum Cause {
    CONFIG,
    ACCOUNTS,
    SSL,
    JWT,
    CREDS
}
