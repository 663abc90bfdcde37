/**
 * Reader for the NATS server config format, as nats-server's own lexer and parser read it: the JetStream store directory, every referenced file (includes, TLS files, operator JWTs, resolver dir) and the system account, each with its origin.
 */
package com.datasance.pot.nats.config;
