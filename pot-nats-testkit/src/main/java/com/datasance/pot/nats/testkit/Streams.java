package com.datasance.pot.nats.testkit;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * JetStream helpers for tests, as an account's user: file streams with messages, message counts,
 * account limits.
 *
 * @param url the server's client URL
 * @param creds the user's creds file
 * @param ssl the client TLS context for a server that requires TLS
 */
public record Streams(String url, Path creds, Optional<SSLContext> ssl) {

    /**
     * Helpers for a server that needs no client TLS.
     *
     * @param url the server's client URL
     * @param creds the user's creds file
     * @return the helpers
     */
    public static Streams at(String url, Path creds) {
        return new Streams(url, creds, Optional.empty());
    }

    /**
     * Connects to {@code url} as the user in {@code creds} (5 second connection timeout), over
     * TLS when {@link #ssl()} holds a context.
     *
     * @return a new connection, the caller's to close
     * @throws IOException when the server cannot be reached
     * @throws InterruptedException when interrupted while connecting
     */
    public Connection connect() throws IOException, InterruptedException {
        Options.Builder options = Options.builder()
                .server(url)
                .authHandler(Nats.credentials(creds.toString()))
                .connectionTimeout(Duration.ofSeconds(5));
        ssl.ifPresent(options::sslContext);
        return Nats.connect(options.build());
    }

    /**
     * Creates a file stream {@code name} on subject {@code name.>} with {@code replicas} replicas
     * and publishes {@code messages} messages to it, each acknowledged (so they are stored when
     * this returns).
     *
     * @param name the stream name, also its subject prefix
     * @param messages how many messages to publish (0 for none)
     * @param replicas the stream's replica count (1 on a single server)
     * @throws IllegalStateException when JetStream refuses the stream or a message (names the
     *     stream and URL)
     * @throws IOException when the server cannot be reached
     * @throws InterruptedException when interrupted while waiting for the server
     */
    public void createWithMessages(String name, int messages, int replicas) throws IOException, InterruptedException {
        create(name, replicas);
        publish(name, messages);
    }

    /**
     * Creates the file stream {@code name} on {@code name.>}; creating it again with the same
     * config succeeds, so a caller may retry (a new cluster sometimes answers 'error creating
     * store for stream' just after its meta leader is elected).
     *
     * @param name the stream name, also its subject prefix
     * @param replicas the stream's replica count (1 on a single server)
     * @throws IllegalStateException when JetStream refuses the stream (names the stream and URL)
     * @throws IOException when the server cannot be reached
     * @throws InterruptedException when interrupted while waiting for the server
     */
    public void create(String name, int replicas) throws IOException, InterruptedException {
        try (Connection connection = connect()) {
            JetStreamManagement management = connection.jetStreamManagement();
            management.addStream(StreamConfiguration.builder()
                    .name(name)
                    .subjects(name + ".>")
                    .storageType(StorageType.File)
                    .replicas(replicas)
                    .build());
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot create stream '" + name + "' at " + url + ": " + e, e);
        }
    }

    /**
     * Deletes stream {@code name} with its messages.
     *
     * @param name the stream name
     * @throws IllegalStateException when JetStream refuses, e.g. the stream does not exist (names
     *     the stream and URL)
     * @throws IOException when the server cannot be reached
     * @throws InterruptedException when interrupted while waiting for the server
     */
    public void delete(String name) throws IOException, InterruptedException {
        try (Connection connection = connect()) {
            connection.jetStreamManagement().deleteStream(name);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot delete stream '" + name + "' at " + url + ": " + e, e);
        }
    }

    /**
     * Publishes {@code messages} messages to {@code name.m}, each acknowledged, so they are
     * stored when this returns.
     *
     * @param name the stream name, also its subject prefix
     * @param messages how many messages to publish (0 for none)
     * @throws IllegalStateException when JetStream refuses a message (names the stream and URL)
     * @throws IOException when the server cannot be reached or an acknowledgement times out
     * @throws InterruptedException when interrupted while waiting for the server
     */
    public void publish(String name, int messages) throws IOException, InterruptedException {
        try (Connection connection = connect()) {
            JetStream jetStream = connection.jetStream();
            for (int i = 0; i < messages; i++) {
                jetStream.publish(name + ".m", ("message " + i).getBytes(StandardCharsets.UTF_8));
            }
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot publish to stream '" + name + "' at " + url + ": " + e, e);
        }
    }

    /**
     * The number of messages in stream {@code name}, as the server reports it now.
     *
     * @param name the stream name
     * @return the message count
     * @throws IllegalStateException when JetStream cannot answer, e.g. the stream does not exist
     *     (names the stream and URL)
     * @throws IOException when the server cannot be reached
     * @throws InterruptedException when interrupted while waiting for the server
     */
    public long messageCount(String name) throws IOException, InterruptedException {
        try (Connection connection = connect()) {
            return connection
                    .jetStreamManagement()
                    .getStreamInfo(name)
                    .getStreamState()
                    .getMsgCount();
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot read stream '" + name + "' at " + url + ": " + e, e);
        }
    }

    /**
     * The servers that hold a current copy of stream {@code name}, as its leader reports now: the
     * leader itself and every replica it calls current. A clustered stream is fully replicated when
     * this holds as many names as the stream has replicas; a single server's stream has no cluster
     * part and yields an empty set.
     *
     * @param name the stream name
     * @return the server names, in the leader's order
     * @throws IllegalStateException when JetStream cannot answer (names the stream and URL)
     * @throws IOException when the server cannot be reached
     * @throws InterruptedException when interrupted while waiting for the server
     */
    public Set<String> currentCopies(String name) throws IOException, InterruptedException {
        try (Connection connection = connect()) {
            ClusterInfo cluster =
                    connection.jetStreamManagement().getStreamInfo(name).getClusterInfo();
            Set<String> servers = new LinkedHashSet<>();
            if (cluster == null
                    || cluster.getLeader() == null
                    || cluster.getLeader().isEmpty()) {
                return servers;
            }
            servers.add(cluster.getLeader());
            if (cluster.getReplicas() != null) {
                cluster.getReplicas().stream()
                        .filter(replica -> replica.isCurrent() && !replica.isOffline())
                        .forEach(replica -> servers.add(replica.getName()));
            }
            return servers;
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot read stream '" + name + "' at " + url + ": " + e, e);
        }
    }

    /**
     * The account's JetStream stream limit as the server applies it now.
     *
     * @return the maximum number of streams, -1 for unlimited
     * @throws IllegalStateException when JetStream cannot answer (names the URL)
     * @throws IOException when the server cannot be reached
     * @throws InterruptedException when interrupted while waiting for the server
     */
    public long maxStreams() throws IOException, InterruptedException {
        try (Connection connection = connect()) {
            return connection
                    .jetStreamManagement()
                    .getAccountStatistics()
                    .getLimits()
                    .getMaxStreams();
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot read account info at " + url + ": " + e, e);
        }
    }
}
