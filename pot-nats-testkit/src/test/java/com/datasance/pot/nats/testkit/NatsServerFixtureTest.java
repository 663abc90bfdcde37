package com.datasance.pot.nats.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NatsServerFixtureTest {

    @Test
    void shouldStartRealServerOnFreeLoopbackPorts(@TempDir Path dir) throws Exception {
        try (NatsServerFixture server = NatsServerFixture.startWithConfig(dir, "server_name: fixture_test\n")) {
            JsonNode varz = server.monitoring().varz();
            assertEquals("fixture_test", varz.path("server_name").asText());
            assertEquals(server.clientPort(), varz.path("port").asInt());
            assertEquals("127.0.0.1", varz.path("host").asText());
        }
    }

    @Test
    void shouldReportEveryPathTriedWhenBinaryIsMissing(@TempDir Path dir) {
        List<Path> tried = new ArrayList<>();
        Optional<Path> found = NatsServerBinary.find(dir.resolve("nope").toString(), dir.toString(), tried);
        // /usr/sbin/nats-server may exist on this machine; the explicit and PATH entries come first.
        assertEquals(dir.resolve("nope"), tried.get(0));
        assertEquals(dir.resolve("nats-server"), tried.get(1));
        assertTrue(found.isEmpty() || found.get().equals(Path.of("/usr/sbin/nats-server")));
    }

    @Test
    void shouldNeverHandOutTheNatsDefaultPorts() {
        for (int i = 0; i < 50; i++) {
            int port = FreePorts.next();
            assertFalse(port == 4222 || port == 8222, "got default port " + port);
        }
    }
}
