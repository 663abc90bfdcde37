package com.datasance.pot.nats.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Reads nats-server's monitoring endpoints on 127.0.0.1 ({@code /healthz}, {@code /varz}). */
public final class Monitoring {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final int port;

    /**
     * A client of the monitoring endpoint of a nats-server on this machine.
     *
     * @param port the monitoring (HTTP) port on 127.0.0.1
     */
    public Monitoring(int port) {
        this.port = port;
    }

    /**
     * The monitoring port.
     *
     * @return the port given
     */
    public int port() {
        return port;
    }

    /**
     * {@code /varz} now (one GET, 2 s timeout).
     *
     * @return the response as a JSON tree
     * @throws AssertionError when the server does not answer 200
     */
    public JsonNode varz() {
        return get("/varz")
                .orElseThrow(() ->
                        new AssertionError("nats-server monitoring on 127.0.0.1:" + port + " did not answer /varz"));
    }

    /**
     * {@code /routez} now (one GET, 2 s timeout).
     *
     * @return the response as a JSON tree
     * @throws AssertionError when the server does not answer 200
     */
    public JsonNode routez() {
        return get("/routez")
                .orElseThrow(() ->
                        new AssertionError("nats-server monitoring on 127.0.0.1:" + port + " did not answer /routez"));
    }

    /**
     * {@code /jsz} now (one GET, 2 s timeout): JetStream's state; {@code config.store_dir} is the
     * store JetStream runs on, also after a reload enabled it ({@code /varz} 2.9.10 shows its
     * config only when JetStream ran from the start).
     *
     * @return the response as a JSON tree
     * @throws AssertionError when the server does not answer 200
     */
    public JsonNode jsz() {
        return get("/jsz")
                .orElseThrow(() ->
                        new AssertionError("nats-server monitoring on 127.0.0.1:" + port + " did not answer /jsz"));
    }

    /**
     * The JetStream meta leader this server follows now, from {@code /varz}.
     *
     * @return the leader's server name; empty while the server knows none (or runs no cluster)
     * @throws AssertionError when the server's monitoring does not answer
     */
    public Optional<String> metaLeader() {
        JsonNode leader = varz().path("jetstream").path("meta").path("leader");
        return leader.isTextual() && !leader.asText().isEmpty() ? Optional.of(leader.asText()) : Optional.empty();
    }

    /**
     * Whether the server reports itself healthy now.
     *
     * @return true when {@code /healthz} answers 200 within 2 s
     */
    public boolean healthy() {
        return get("/healthz").isPresent();
    }

    /**
     * Waits until {@code /healthz} answers 200, polling every 20 ms until the deadline.
     *
     * @param timeout how long to wait at most
     * @throws AssertionError when it is not healthy within {@code timeout}
     * @throws InterruptedException when interrupted while waiting
     */
    public void awaitHealthy(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!healthy()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(
                        "nats-server monitoring on 127.0.0.1:" + port + " was not healthy within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    private Optional<JsonNode> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(2))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
