package com.datasance.pot.nats.docker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.FreePorts;
import com.datasance.pot.nats.testkit.Monitoring;
import com.datasance.pot.nats.testkit.OperatorFixture;
import com.datasance.pot.nats.testkit.Streams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator mode with JetStream in the container: JWTs, the operator and the system user's creds
 * mounted, the store a volume. Removing an account's JWT on the host makes the wrapper inside
 * purge that account's data; the live account's messages all stay.
 */
@Tag("container")
class OperatorContainerTest {

    @Test
    void shouldPurgeARemovedAccountAndKeepTheLiveOne(@TempDir Path dir) throws Exception {
        OperatorFixture fixture = OperatorFixture.create(dir.resolve("trust"));
        OperatorFixture.Account live = fixture.addAccount("LIVE");
        OperatorFixture.Account gone = fixture.addAccount("GONE");
        String serverConf = "listen: 0.0.0.0:4222\n" + OperatorVolumes.operatorConfig(fixture)
                + "jetstream {\n  store_dir: /home/runner/data\n}\n";
        OperatorVolumes volumes = OperatorVolumes.create(fixture, dir.resolve("node"), serverConf);
        Monitoring monitoring = new Monitoring(FreePorts.next());
        int clientPort = FreePorts.next();
        List<String> options = new ArrayList<>(volumes.mountOptions());
        options.addAll(List.of(
                "-p",
                "127.0.0.1:" + monitoring.port() + ":8222",
                "-p",
                "127.0.0.1:" + clientPort + ":4222",
                "-e",
                "NATS_SYS_USER_CRED_PATH=SYS.creds",
                // The purge rules being added elsewhere: no grace period in a test.
                "-e",
                "NATS_PURGE_GRACE=0"));
        try (Container container = Container.start(Container.uniqueName("operator"), options, List.of())) {
            try {
                monitoring.awaitHealthy(Container.READY);
                container.awaitLog(Container.WATCHING, Container.READY);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; podman logs:\n" + container.logs(), e);
            }
            String url = "nats://127.0.0.1:" + clientPort;
            Streams liveStreams = Streams.at(url, live.credsFile());
            Streams goneStreams = Streams.at(url, gone.credsFile());
            // Each call closes its connection: the removed account has no client left when purged.
            liveStreams.createWithMessages("KEEP", 50, 1);
            goneStreams.createWithMessages("DROP", 20, 1);
            assertTrue(volumes.hasStream(gone, "DROP"), "the removed account's stream is in the store first");

            Files.delete(volumes.jwt().resolve(gone.publicKey() + ".jwt"));
            await("the removed account's data purged from " + volumes.accountStore(gone))
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> !volumes.hasStream(gone, "DROP"));

            assertEquals(50, liveStreams.messageCount("KEEP"), "every message of the live account is still there");
            assertTrue(volumes.hasStream(live, "KEEP"), "the live account's store is untouched");
            String logs = container.logs();
            assertTrue(logs.contains(gone.publicKey()), () -> "the purge is logged with the account key:\n" + logs);
        }
    }
}
