package com.datasance.pot.nats.testkit;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
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

    public static Streams at(String url, Path creds) {
        return new Streams(url, creds, Optional.empty());
    }

    /** Connects to {@code url} as the user in {@code creds}. */
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
     */
    public void createWithMessages(String name, int messages, int replicas) throws IOException, InterruptedException {
        create(name, replicas);
        publish(name, messages);
    }

    /**
     * Creates the file stream {@code name} on {@code name.>}; creating it again with the same
     * config succeeds, so a caller may retry (a new cluster sometimes answers 'error creating
     * store for stream' just after its meta leader is elected).
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

    /** Publishes {@code messages} messages to {@code name.m}, each acknowledged. */
    public void publish(String name, int messages) throws IOException, InterruptedException {
        try (Connection connection = connect()) {
            JetStream jetStream = connection.jetStream();
            for (int i = 0; i < messages; i++) {
                jetStream.publish(name + ".m", ("message " + i).getBytes(StandardCharsets.UTF_8));
            }
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot create stream '" + name + "' at " + url + ": " + e, e);
        }
    }

    /** The number of messages in stream {@code name}. */
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

    /** The account's JetStream stream limit as the server applies it now (-1: unlimited). */
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
