package com.datasance.pot.nats.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PrimitiveIterator;
import java.util.Set;
import java.util.stream.IntStream;
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
    void shouldReportNoClusterCopiesAndNoMetaLeaderOnASingleServer(@TempDir Path dir) throws Exception {
        OperatorFixture operator = OperatorFixture.create(dir.resolve("op"));
        OperatorFixture.Account account = operator.addAccount("single");
        try (NatsServerFixture server =
                NatsServerFixture.startWithConfig(dir.resolve("server"), operator.serverConfig(""))) {
            Streams streams = Streams.at(server.clientUrl(), account.credsFile());
            streams.createWithMessages("ALONE", 2, 1);

            assertEquals(2, streams.messageCount("ALONE"));
            assertEquals(Set.of(), streams.currentCopies("ALONE"), "a single server's stream has no cluster part");
            assertEquals(Optional.empty(), server.monitoring().metaLeader());
            assertThrows(IllegalStateException.class, () -> streams.currentCopies("MISSING"));
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
        // Randomness rarely draws 4222 and friends, so the defaults come from a scripted source.
        PrimitiveIterator.OfInt drawn =
                IntStream.of(4222, 8222, 6222, 7422, 20123, 4222).iterator();
        assertEquals(20123, FreePorts.next(drawn::nextInt, port -> true));
        assertEquals(4222, drawn.nextInt(), "stops at the first port that is not a default");
    }

    @Test
    void shouldSkipPortsThatAreTakenOrWereHandedOutBefore() {
        PrimitiveIterator.OfInt drawn = IntStream.of(20200, 20201, 20201, 20202).iterator();
        assertEquals(20201, FreePorts.next(drawn::nextInt, port -> port != 20200));
        assertEquals(20202, FreePorts.next(drawn::nextInt, port -> true), "20201 was handed out already");
    }

    @Test
    void shouldGiveUpWithAClearErrorWhenNothingIsFree() {
        IllegalStateException error =
                assertThrows(IllegalStateException.class, () -> FreePorts.next(() -> 20300, port -> false));
        assertTrue(error.getMessage().contains("no free port"), error.getMessage());
    }

    @Test
    void shouldHandOutFreePortsBelowTheEphemeralRange() throws Exception {
        int port = FreePorts.next();
        assertFalse(FreePorts.NATS_DEFAULTS.contains(port), "got default port " + port);
        assertTrue(port >= FreePorts.LOWEST && port < FreePorts.ephemeralStart(), "port " + port);
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, socket.getLocalPort());
        }
        assertNotEquals(port, FreePorts.next(), "a port is handed out once");
    }
}
