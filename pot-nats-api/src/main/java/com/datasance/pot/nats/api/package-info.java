/**
 * Values and seams that at least two pot-nats modules share: where a value came from ({@link
 * com.datasance.pot.nats.api.Origin}), what a server config says to the purge ({@link
 * com.datasance.pot.nats.api.ServerFacts}), a running nats-server ({@link
 * com.datasance.pot.nats.api.ServerProcess}), and safe log text. Every type here is
 * immutable and thread-safe.
 */
package com.datasance.pot.nats.api;
