package com.datasance.pot.nats.docker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.FreePorts;
import com.datasance.pot.nats.testkit.KubeletAtomicWriter;
import com.datasance.pot.nats.testkit.Monitoring;
import com.datasance.pot.nats.testkit.TlsFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ConfigMap and Secret semantics through real bind mounts: host directories laid out and updated
 * by the testkit's {@link KubeletAtomicWriter} (a {@code ..data} symlink swap, as kubelet does),
 * mounted read-only at {@code /etc/nats/config} and {@code /etc/nats/certs}. A swap on the host
 * reloads nats-server inside the container (confirmed by {@code /varz} config_load_time); an
 * invalid config is refused with its file and line in {@code podman logs}.
 */
@Tag("container")
class ConfigMapContainerTest {

    private static final Duration RELOAD = Duration.ofSeconds(30);

    private static String config(String maxPayload, String extra) {
        return """
                listen: 0.0.0.0:4222
                max_payload: %s
                tls {
                  cert_file: /etc/nats/certs/server-cert.pem
                  key_file: /etc/nats/certs/server-key.pem
                  timeout: 5
                }
                %s
                """.formatted(maxPayload, extra);
    }

    /** The Secret's payload: a new CA and server certificate generated under {@code scratch}. */
    private static Map<String, byte[]> certs(Path scratch) throws IOException, InterruptedException {
        TlsFixture tls = TlsFixture.create(scratch);
        Map<String, byte[]> payload = new LinkedHashMap<>();
        payload.put("ca.pem", Files.readAllBytes(tls.caFile()));
        payload.put("server-cert.pem", Files.readAllBytes(tls.certFile()));
        payload.put("server-key.pem", Files.readAllBytes(tls.keyFile()));
        return payload;
    }

    private record Volumes(KubeletAtomicWriter config, KubeletAtomicWriter certs) {}

    private static Volumes volumes(Path dir) throws IOException, InterruptedException {
        KubeletAtomicWriter config = KubeletAtomicWriter.into(dir.resolve("config"));
        KubeletAtomicWriter certs = KubeletAtomicWriter.into(dir.resolve("certs"));
        config.writeText(Map.of("server.conf", config("1MB", "")));
        certs.write(certs(dir.resolve("tls-1")));
        ContainerFiles.readableByAll(config.targetDir());
        ContainerFiles.readableByAll(certs.targetDir());
        return new Volumes(config, certs);
    }

    private static Container start(String purpose, Volumes volumes, Monitoring monitoring) {
        Container container = Container.start(
                Container.uniqueName(purpose),
                List.of(
                        "-v", volumes.config().targetDir() + ":/etc/nats/config:ro",
                        "-v", volumes.certs().targetDir() + ":/etc/nats/certs:ro",
                        "-p", "127.0.0.1:" + monitoring.port() + ":8222"),
                List.of());
        try {
            monitoring.awaitHealthy(Container.READY);
            // A swap is seen once the watches are in place.
            container.awaitLog(Container.WATCHING, Container.READY);
        } catch (AssertionError | RuntimeException | InterruptedException e) {
            String logs = container.logs();
            container.close();
            throw new AssertionError(e.getMessage() + "; podman logs:\n" + logs, e);
        }
        return container;
    }

    private static String loadTime(Monitoring monitoring) {
        return monitoring.varz().path("config_load_time").asText();
    }

    @Test
    void shouldReloadInsideWhenTheHostSwapsConfigMapAndSecret(@TempDir Path dir) throws Exception {
        Volumes volumes = volumes(dir);
        Monitoring monitoring = new Monitoring(FreePorts.next());
        try (Container container = start("configmap", volumes, monitoring)) {
            String first = loadTime(monitoring);
            assertEquals(1024 * 1024, monitoring.varz().path("max_payload").asLong());

            volumes.config().writeText(Map.of("server.conf", config("2MB", "")));
            await("reload for the ConfigMap swap (max_payload 2MB in /varz)")
                    .atMost(RELOAD)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> monitoring.varz().path("max_payload").asLong() == 2L * 1024 * 1024);
            String second = loadTime(monitoring);
            assertTrue(!second.equals(first), "config_load_time moved with the reload");

            volumes.certs().write(certs(dir.resolve("tls-2")));
            await("reload for the Secret swap (config_load_time moves)")
                    .atMost(RELOAD)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !loadTime(monitoring).equals(second));
            container.awaitLog("reloaded nats-server");
            String logs = container.logs();
            assertTrue(!logs.contains("[ERR]"), () -> "no error in the log:\n" + logs);
        }
    }

    @Test
    void shouldRefuseAnInvalidConfigWithItsFileAndLine(@TempDir Path dir) throws Exception {
        Volumes volumes = volumes(dir);
        Monitoring monitoring = new Monitoring(FreePorts.next());
        try (Container container = start("invalid", volumes, monitoring)) {
            String first = loadTime(monitoring);
            volumes.config().writeText(Map.of("server.conf", config("2MB", "no_such_option: 1")));
            Pattern refusal = Pattern.compile("\\[ERR\\].*/etc/nats/config/server\\.conf:\\d+");
            container.awaitLog(refusal, RELOAD);
            assertTrue(monitoring.healthy(), "nats-server keeps running on the config it has");
            assertEquals(first, loadTime(monitoring), "nothing was reloaded");
            assertEquals(1024 * 1024, monitoring.varz().path("max_payload").asLong());
        }
    }
}
