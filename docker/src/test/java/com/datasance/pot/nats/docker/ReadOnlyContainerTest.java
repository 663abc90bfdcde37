package com.datasance.pot.nats.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.FreePorts;
import com.datasance.pot.nats.testkit.Monitoring;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * As OpenShift and a hardened Kubernetes run the image: an arbitrary uid in group 0 and a
 * read-only root filesystem, with no tmpfs added by podman ({@code --read-only-tmpfs=false}) and
 * only the JetStream store as a volume. It still runs, JetStream writes its store, and the
 * container's own filesystem stays unchanged ({@code podman diff}).
 */
@Tag("container")
class ReadOnlyContainerTest {

    @Test
    void shouldRunAsAnArbitraryUidOnAReadOnlyRootWithOnlyTheDataVolume(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        // A fresh volume as Kubernetes gives it to an arbitrary uid: writable by that uid's group 0;
        // here writable by all, as the host side does not know uid 12345.
        ContainerFiles.writableByAll(data);
        Monitoring monitoring = new Monitoring(FreePorts.next());
        int clientPort = FreePorts.next();
        List<String> hardened = List.of(
                "--user", "12345:0", "--read-only", "--read-only-tmpfs=false", "-v", data + ":/home/runner/data");
        List<String> options = new ArrayList<>(hardened);
        options.addAll(
                List.of("-p", "127.0.0.1:" + monitoring.port() + ":8222", "-p", "127.0.0.1:" + clientPort + ":4222"));
        // What podman itself changes in such a container before the entrypoint runs (/etc/hosts,
        // /etc/resolv.conf, /etc/hostname, a passwd line for the arbitrary uid): a container of the
        // same options that only sleeps.
        String podmanOwnChanges;
        List<String> reference = new ArrayList<>(hardened);
        reference.addAll(List.of("--entrypoint", "/bin/sleep"));
        try (Container idle = Container.start(Container.uniqueName("readonly-ref"), reference, List.of("60"))) {
            podmanOwnChanges = Podman.ok("diff", idle.name()).strip();
        }
        try (Container container = Container.start(Container.uniqueName("readonly"), options, List.of())) {
            try {
                monitoring.awaitHealthy(Container.READY);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; podman logs:\n" + container.logs(), e);
            }
            Container.Proc server = container.natsServer();
            assertEquals("12345", server.hostUser(), () -> "nats-server runs as the given uid: " + server);

            Options clientOptions = Options.builder()
                    .server("nats://127.0.0.1:" + clientPort)
                    .connectionTimeout(Duration.ofSeconds(5))
                    .build();
            try (Connection connection = Nats.connect(clientOptions)) {
                JetStreamManagement management = connection.jetStreamManagement();
                management.addStream(StreamConfiguration.builder()
                        .name("RO")
                        .subjects("ro.>")
                        .storageType(StorageType.File)
                        .build());
                JetStream jetStream = connection.jetStream();
                for (int i = 0; i < 10; i++) {
                    jetStream.publish("ro.m", ("message " + i).getBytes(StandardCharsets.UTF_8));
                }
                assertEquals(10, management.getStreamInfo("RO").getStreamState().getMsgCount());
            }
            try (Stream<Path> files = Files.walk(data)) {
                List<Path> streamFiles = files.filter(p -> p.toString().contains("/streams/RO/"))
                        .filter(Files::isRegularFile)
                        .toList();
                assertTrue(!streamFiles.isEmpty(), () -> "JetStream wrote stream RO into the data volume " + data);
            }
            // Nothing but the volume was written: the root filesystem has no change beyond podman's.
            String diff = Podman.ok("diff", container.name()).strip();
            assertEquals(podmanOwnChanges, diff, () -> "podman diff of the read-only container");
            String logs = container.logs();
            assertTrue(!logs.contains("[ERR]"), () -> "no error in the log:\n" + logs);
        }
    }
}
