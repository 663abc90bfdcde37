/**
 * Fixtures for tests that run the real nats-server. Tests that need the binary fail with an
 * install hint when it is missing; they never skip.
 */
package com.datasance.pot.nats.testkit;
