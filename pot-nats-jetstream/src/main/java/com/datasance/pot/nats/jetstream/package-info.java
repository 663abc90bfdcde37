/**
 * JetStream account purge reconciliation: accounts with data on disk minus accounts in the JWT resolver, purged through the JetStream Account Purge API with system-account creds, behind safety checks that never touch a live account.
 */
package com.datasance.pot.nats.jetstream;
