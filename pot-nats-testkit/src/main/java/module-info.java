/**
 * Test-only helpers for pot-nats modules: a real nats-server fixture, free ports on 127.0.0.1 and
 * the binary lookup the tests share. Never a runtime dependency of a shipped module.
 */
module com.datasance.pot.nats.testkit {
    requires transitive com.datasance.pot.nats.api;
    requires java.net.http;
    // Monitoring returns Jackson's JsonNode: callers must read the module too.
    requires transitive com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports com.datasance.pot.nats.testkit;
}
