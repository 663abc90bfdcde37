/**
 * Test-only helpers for pot-nats modules: a real nats-server fixture, free ports on 127.0.0.1,
 * the binary lookup the tests share, operator-mode trust trees (JWTs, creds) with JetStream
 * helpers and the two-account purge fixture, a child-process harness, and the wrapper's
 * environment for tests that run it as a process. Never a runtime dependency of a shipped module.
 */
// jnats ships no module-info (automatic module 'io.nats.jnats'); the fixtures hand out its types.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module com.datasance.pot.nats.testkit {
    requires transitive com.datasance.pot.nats.api;
    requires java.net.http;
    // Monitoring returns Jackson's JsonNode: callers must read the module too.
    requires transitive com.fasterxml.jackson.databind;
    // Streams and the fixtures hand out jnats types (Connection, NKey).
    requires transitive io.nats.jnats;
    requires org.slf4j;

    exports com.datasance.pot.nats.testkit;
}
