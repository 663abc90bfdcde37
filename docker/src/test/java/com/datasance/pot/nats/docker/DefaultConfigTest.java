package com.datasance.pot.nats.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.FreePorts;
import com.datasance.pot.nats.testkit.NatsServerBinary;
import com.datasance.pot.nats.testkit.NatsServerFixture;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/server.conf, the config the image runs with no mounts, is accepted by the real
 * nats-server and starts it with JetStream in the store the image makes writable. Its absolute
 * image paths (/home/runner/...) are moved into a temp dir, and the fixed ports (cluster, leaf)
 * onto free ones; everything else is the file as shipped.
 */
class DefaultConfigTest {

    /** HOSTNAME is what Kubernetes and Docker set; the config may use it through $HOSTNAME. */
    private static final Map<String, String> CONTAINER_ENV = Map.of("HOSTNAME", "pot-nats-0");

    private static Path relocated(Path dir) throws IOException {
        String text = ImageFiles.read(ImageFiles.serverConf());
        String moved = text.replace("/home/runner/", dir.toAbsolutePath() + "/")
                .replaceAll("\\b6222\\b", Integer.toString(FreePorts.next()))
                .replaceAll("\\b7422\\b", Integer.toString(FreePorts.next()))
                .replaceAll("\\b4222\\b", Integer.toString(FreePorts.next()))
                .replaceAll("\\b8222\\b", Integer.toString(FreePorts.next()));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("run"));
        Path config = Files.createDirectories(dir.resolve("config")).resolve("server.conf");
        Files.writeString(config, moved, StandardCharsets.UTF_8);
        return config;
    }

    @Test
    void shouldUseTheImageStoreDir() {
        String text = ImageFiles.read(ImageFiles.serverConf());
        assertTrue(text.contains("/home/runner/data"), "JetStream store_dir is the image's writable /home/runner/data");
    }

    @Test
    void shouldBeAcceptedByNatsServerConfigTest(@TempDir Path dir) throws IOException {
        Path config = relocated(dir);
        List<String> command = List.of(NatsServerBinary.require().toString(), "-t", "-c", config.toString());
        Commands.Result result = Commands.run(command, config.getParent(), CONTAINER_ENV);
        assertEquals(0, result.exitCode(), () -> "nats-server -t rejects docker/server.conf:\n" + result.output());
    }

    @Test
    void shouldStartNatsServerWithJetStreamInTheImageStore(@TempDir Path dir) throws Exception {
        Path config = relocated(dir);
        try (NatsServerFixture server = NatsServerFixture.start(config, List.of(), CONTAINER_ENV)) {
            JsonNode varz = server.monitoring().varz();
            String storeDir =
                    varz.path("jetstream").path("config").path("store_dir").asText();
            assertTrue(
                    storeDir.startsWith(dir.resolve("data").toString()),
                    () -> "JetStream store_dir in /varz: '" + storeDir + "'");
        }
    }
}
