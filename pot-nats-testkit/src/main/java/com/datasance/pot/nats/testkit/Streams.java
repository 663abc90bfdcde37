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

/** JetStream helpers for tests: file streams with messages, message counts, as an account's user. */
public final class Streams {

    private Streams() {}

    /** Connects to {@code url} as the user in {@code creds}. */
    public static Connection connect(String url, Path creds) throws IOException, InterruptedException {
        return Nats.connect(Options.builder()
                .server(url)
                .authHandler(Nats.credentials(creds.toString()))
                .connectionTimeout(Duration.ofSeconds(5))
                .build());
    }

    /**
     * Creates a file stream {@code name} on subject {@code name.>} and publishes {@code messages}
     * messages to it, each acknowledged (so they are on disk when this returns).
     */
    public static void createWithMessages(String url, Path creds, String name, int messages)
            throws IOException, InterruptedException {
        try (Connection connection = connect(url, creds)) {
            JetStreamManagement management = connection.jetStreamManagement();
            management.addStream(StreamConfiguration.builder()
                    .name(name)
                    .subjects(name + ".>")
                    .storageType(StorageType.File)
                    .build());
            JetStream jetStream = connection.jetStream();
            for (int i = 0; i < messages; i++) {
                jetStream.publish(name + ".m", ("message " + i).getBytes(StandardCharsets.UTF_8));
            }
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot create stream '" + name + "' at " + url + ": " + e, e);
        }
    }

    /** The number of messages in stream {@code name}. */
    public static long messageCount(String url, Path creds, String name) throws IOException, InterruptedException {
        try (Connection connection = connect(url, creds)) {
            return connection
                    .jetStreamManagement()
                    .getStreamInfo(name)
                    .getStreamState()
                    .getMsgCount();
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot read stream '" + name + "' at " + url + ": " + e, e);
        }
    }
}
