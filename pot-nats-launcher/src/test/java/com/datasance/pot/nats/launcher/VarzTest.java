package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.FreePorts;
import com.datasance.pot.nats.testkit.NatsServerFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VarzTest {

    @TempDir
    Path dir;

    private static byte[] response(String statusLine, String body) {
        return (statusLine + "\r\nContent-Type: application/json\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadTheLoadTimeNatsServerReportsAndSeeItMoveOnSighup() throws Exception {
        try (NatsServerFixture server = NatsServerFixture.startWithConfig(dir, "server_name: varz-test\n")) {
            int port = server.monitoring().port();
            String reported = server.monitoring().varz().get("config_load_time").asText();

            Optional<String> before = Varz.configLoadTime(port);

            assertEquals(Optional.of(reported), before);
            Instant.parse(before.orElseThrow());
            new ProcessBuilder("kill", "-HUP", Long.toString(server.pid()))
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> Varz.configLoadTime(port), now -> now.isPresent() && !now.equals(before));
        }
    }

    @Test
    void shouldTakeOnlyTheTopLevelFieldNotTheSameTextInsideAnotherValue() {
        String body = """
                {"note": "\\"config_load_time\\": \\"fake\\"",
                 "cluster": {"config_load_time": "nested"},
                 "urls": ["config_load_time"],
                 "config_load_time": "2026-11-30T18:00:00.123456789Z"}""";

        assertEquals(
                Optional.of("2026-11-30T18:00:00.123456789Z"), Varz.configLoadTime(response("HTTP/1.0 200 OK", body)));
        assertEquals(
                Optional.empty(),
                Varz.configLoadTime(response("HTTP/1.0 200 OK", "{\"cluster\": {\"config_load_time\": \"nested\"}}")));
    }

    @Test
    void shouldGiveNothingForAnErrorStatusAMalformedBodyOrAMissingHeaderEnd() {
        String body = "{\"config_load_time\": \"2026-11-30T18:00:00Z\"}";

        assertEquals(Optional.empty(), Varz.configLoadTime(response("HTTP/1.0 404 Not Found", body)));
        assertEquals(Optional.empty(), Varz.configLoadTime(response("SSH-2.0-OpenSSH 200", body)));
        assertEquals(Optional.empty(), Varz.configLoadTime(response("HTTP/1.0 200 OK", "[" + body + "]")));
        assertEquals(Optional.empty(), Varz.configLoadTime(response("HTTP/1.0 200 OK", "{\"config_load_time\": 17}")));
        assertEquals(Optional.empty(), Varz.configLoadTime(response("HTTP/1.0 200 OK", "{\"a\": }")));
        assertEquals(
                Optional.empty(), Varz.configLoadTime(("HTTP/1.0 200 OK\r\n" + body).getBytes(StandardCharsets.UTF_8)));
        assertTrue(Varz.configLoadTime(response("HTTP/1.1 200 OK", body)).isPresent());
    }

    @Test
    void shouldStopReadingAnAnswerLargerThanVarzEverIs() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answerer = Thread.ofVirtual().start(() -> {
                try (Socket client = listener.accept()) {
                    // Read the request first: closing with it unread would reset the connection,
                    // and the reader would give nothing for that reason instead of the size.
                    new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII))
                            .lines()
                            .takeWhile(line -> !line.isEmpty())
                            .forEach(line -> {});
                    OutputStream out = client.getOutputStream();
                    out.write(response("HTTP/1.0 200 OK", "{\"config_load_time\": \"x\", \"pad\": \""));
                    out.write(new byte[Varz.MAX_RESPONSE_BYTES]);
                    out.write("\"}".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closedByReader) {
                    // The reader stops at its cap and closes: a write that fails then is expected.
                }
            });

            assertEquals(Optional.empty(), Varz.configLoadTime(listener.getLocalPort()));
            answerer.join(Duration.ofSeconds(10));
            assertFalse(answerer.isAlive());
        }
    }

    @Test
    void shouldGiveNothingWhenNobodyListens() {
        int port = FreePorts.next();

        assertEquals(Optional.empty(), Varz.configLoadTime(port));
    }
}
