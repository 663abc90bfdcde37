package com.datasance.pot.nats.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.NatsServerBinary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment examples under docker/examples parse as YAML and carry what an operator relies
 * on: probes on /healthz, a non-root read-only securityContext, a grace period that covers lame
 * duck plus NATS_SHUTDOWN_TIMEOUT, and mounts at the contract paths.
 */
class ExamplesTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    /** Where DESIGN.md's environment contract and the image put things. */
    private static final Set<String> CONTRACT_MOUNTS =
            Set.of("/etc/nats/config", "/etc/nats/certs", "/etc/nats/jwt", "/etc/nats/creds", "/home/runner/data");

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private static Path examples() {
        return ImageFiles.dockerDir().resolve("examples");
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (iterator.hasNext()) {
                JsonNode document = iterator.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }

    private static JsonNode single(List<JsonNode> documents, String kind) {
        List<JsonNode> found = documents.stream()
                .filter(document -> document.path("kind").asText().equals(kind))
                .toList();
        assertEquals(1, found.size(), () -> "expected one " + kind);
        return found.getFirst();
    }

    private static long seconds(String duration) {
        Matcher matcher = DURATION.matcher(duration.strip());
        assertTrue(matcher.matches(), () -> "duration '" + duration + "'");
        long value = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> (value + 999) / 1000;
            case "s" -> value;
            case "m" -> value * 60;
            default -> value * 3600;
        };
    }

    private static String env(JsonNode container, String name, String fallback) {
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().equals(name)) {
                return variable.path("value").asText();
            }
        }
        return fallback;
    }

    private static String configLine(String config, String key, String fallback) {
        Matcher matcher =
                Pattern.compile("(?m)^\\s*" + key + "\\s*[:=]\\s*(\\S+)").matcher(config);
        return matcher.find() ? matcher.group(1) : fallback;
    }

    @Test
    void shouldParseEveryExampleAsYamlWithKindAndApiVersion() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(examples())) {
            files = walk.filter(path -> path.toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        }
        assertTrue(files.size() >= 3, () -> "kubernetes, cluster and edge examples, found " + files);
        for (Path file : files) {
            List<JsonNode> documents = documents(file);
            assertFalse(documents.isEmpty(), () -> file + " holds no document");
            for (JsonNode document : documents) {
                assertTrue(
                        document.hasNonNull("apiVersion") && document.hasNonNull("kind"), () -> file + ": " + document);
            }
        }
    }

    @Test
    void shouldRunTheKubernetesExampleAsTheContractSays() throws IOException {
        checkStatefulSet(documents(examples().resolve("kubernetes/pot-nats.yaml")), CONTRACT_MOUNTS, "pot-nats-config");
    }

    @Test
    void shouldRunTheClusterExampleWithRoutesAndClusteredJetStream() throws IOException {
        List<JsonNode> documents = documents(examples().resolve("kubernetes/pot-nats-cluster.yaml"));
        JsonNode set =
                checkStatefulSet(documents, Set.of("/etc/nats/config", "/home/runner/data"), "pot-nats-cluster-config");
        assertEquals(3, set.path("spec").path("replicas").asInt(), "three nodes");
        String config =
                single(documents, "ConfigMap").path("data").path("server.conf").asText();
        assertTrue(config.contains("cluster {") && config.contains("routes: ["), "cluster routes");
        for (int node = 0; node < 3; node++) {
            assertTrue(
                    config.contains("nats://pot-nats-cluster-" + node + ".pot-nats-cluster-headless:6222"),
                    "route to " + node);
        }
        assertTrue(config.contains("jetstream {"), "JetStream on every node (clustered through the routes)");
        assertTrue(config.contains("server_name: $POD_NAME"), "stable, unique server names for the meta group");
        JsonNode headless = documents.stream()
                .filter(d -> d.path("kind").asText().equals("Service"))
                .filter(d -> d.path("spec").path("clusterIP").asText().equals("None"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("a headless Service for the routes"));
        assertEquals(
                set.path("spec").path("serviceName").asText(),
                headless.path("metadata").path("name").asText());
        assertTrue(headless.path("spec").path("publishNotReadyAddresses").asBoolean(), "routes resolve before ready");
    }

    @Test
    void shouldHaveAClusterConfigThatNatsServerAccepts(@TempDir Path dir) throws IOException {
        List<JsonNode> documents = documents(examples().resolve("kubernetes/pot-nats-cluster.yaml"));
        String config =
                single(documents, "ConfigMap").path("data").path("server.conf").asText();
        Path file = dir.resolve("server.conf");
        Files.writeString(
                file, config.replace("/home/runner/data", dir.resolve("data").toString()), StandardCharsets.UTF_8);
        Commands.Result result = Commands.run(
                List.of(NatsServerBinary.require().toString(), "-t", "-c", file.toString()),
                dir,
                Map.of("POD_NAME", "pot-nats-cluster-0"));
        assertEquals(0, result.exitCode(), () -> "nats-server -t rejects the cluster example:\n" + result.output());
    }

    @Test
    void shouldBindTheContractPathsOnTheEdge() throws IOException {
        JsonNode service = single(documents(examples().resolve("pot-edge/pot-nats-microservice.yaml")), "Microservice");
        JsonNode container = service.path("spec").path("container");
        Set<String> destinations = new HashSet<>();
        container
                .path("volumes")
                .forEach(volume ->
                        destinations.add(volume.path("containerDestination").asText()));
        assertTrue(destinations.containsAll(CONTRACT_MOUNTS), () -> "edge binds " + destinations);
        JsonNode images = service.path("spec").path("images");
        assertEquals(images.path("x86").asText(), images.path("arm").asText(), "one multi-arch tag for x86 and arm");
    }

    private static JsonNode checkStatefulSet(List<JsonNode> documents, Set<String> mounts, String configMap) {
        JsonNode set = single(documents, "StatefulSet");
        JsonNode pod = set.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        String where = set.path("metadata").path("name").asText();

        JsonNode podSecurity = pod.path("securityContext");
        assertTrue(podSecurity.path("runAsNonRoot").asBoolean(), where + ": runAsNonRoot");
        assertEquals(10000, podSecurity.path("runAsUser").asInt(), where + ": uid of runner");
        JsonNode security = container.path("securityContext");
        assertTrue(security.path("readOnlyRootFilesystem").asBoolean(), where + ": read-only root");
        assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true), where + ": no privilege escalation");

        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertTrue(get.path("path").asText().startsWith("/healthz"), () -> where + ": " + probe + " on /healthz");
            String port = get.path("port").asText();
            boolean namedMonitorPort = false;
            for (JsonNode declared : container.path("ports")) {
                if (declared.path("name").asText().equals(port)) {
                    namedMonitorPort = declared.path("containerPort").asInt() == 8222;
                }
            }
            boolean monitorPort = port.equals("8222") || namedMonitorPort;
            assertTrue(monitorPort, () -> where + ": " + probe + " on the monitoring port, found '" + port + "'");
        }

        String config = documents.stream()
                .filter(d -> d.path("metadata").path("name").asText().equals(configMap))
                .findFirst()
                .orElseThrow(() -> new AssertionError(where + ": ConfigMap " + configMap))
                .path("data")
                .path("server.conf")
                .asText();
        long shutdown = seconds(env(container, "NATS_SHUTDOWN_TIMEOUT", "30s"));
        boolean lameDuck = Boolean.parseBoolean(env(container, "NATS_LAME_DUCK", "false"));
        // nats-server's lame duck default is 2m when the config does not set it.
        long lameDuckSeconds = lameDuck ? seconds(configLine(config, "lame_duck_duration", "2m")) : 0;
        long grace = pod.path("terminationGracePeriodSeconds").asLong();
        assertTrue(
                grace > shutdown + lameDuckSeconds,
                () -> where + ": terminationGracePeriodSeconds " + grace + " must exceed lame duck " + lameDuckSeconds
                        + " s + NATS_SHUTDOWN_TIMEOUT " + shutdown + " s");
        assertTrue(config.contains("store_dir: /home/runner/data"), where + ": JetStream in the PVC");

        Set<String> mounted = new HashSet<>();
        container
                .path("volumeMounts")
                .forEach(mount -> mounted.add(mount.path("mountPath").asText()));
        assertTrue(mounted.containsAll(mounts), () -> where + ": mounts " + mounted + ", expected " + mounts);
        assertTrue(mounted.contains("/tmp"), where + ": a writable /tmp for the JVM under a read-only root");
        Set<String> claims = new HashSet<>();
        set.path("spec")
                .path("volumeClaimTemplates")
                .forEach(claim -> claims.add(claim.path("metadata").path("name").asText()));
        container.path("volumeMounts").forEach(mount -> {
            if (mount.path("mountPath").asText().equals("/home/runner/data")) {
                assertTrue(claims.contains(mount.path("name").asText()), where + ": the store is a PVC");
            }
        });
        return set;
    }
}
