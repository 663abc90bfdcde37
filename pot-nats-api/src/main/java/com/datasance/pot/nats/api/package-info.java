/**
 * Values and seams shared by the pot-nats modules: where a value came from ({@link
 * com.datasance.pot.nats.api.Origin}), why a reload happens ({@link
 * com.datasance.pot.nats.api.ChangeCause}) and how nats-server runs ({@link
 * com.datasance.pot.nats.api.ServerMode}). Every type here is immutable and thread-safe.
 */
package com.datasance.pot.nats.api;
