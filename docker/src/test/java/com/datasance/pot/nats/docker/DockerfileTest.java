package com.datasance.pot.nats.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Static checks of docker/Dockerfile that matter without a container engine: pinned base images,
 * a numeric non-root user, no secrets, nats-server v2.12.4, and the layout the entrypoint, the
 * examples and DESIGN.md rely on.
 */
class DockerfileTest {

    /** One instruction, continuation lines joined, comments dropped. */
    record Instruction(int line, String keyword, String arguments) {}

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");

    private static List<Instruction> instructions() {
        List<Instruction> result = new ArrayList<>();
        String[] lines = ImageFiles.read(ImageFiles.dockerDir().resolve("Dockerfile"))
                .lines()
                .toArray(String[]::new);
        StringBuilder pending = new StringBuilder();
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (pending.isEmpty() && (line.isBlank() || line.stripLeading().startsWith("#"))) {
                continue;
            }
            if (!pending.isEmpty() && line.stripLeading().startsWith("#")) {
                continue;
            }
            if (pending.isEmpty()) {
                start = i + 1;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String text = pending.toString().strip();
            pending.setLength(0);
            int space = text.indexOf(' ');
            result.add(new Instruction(
                    start,
                    text.substring(0, space).toUpperCase(Locale.ROOT),
                    text.substring(space + 1).strip()));
        }
        return result;
    }

    private static List<Instruction> all(String keyword) {
        return instructions().stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** ARG defaults, for resolving ${NAME} in FROM lines. */
    private static Map<String, String> argDefaults() {
        Map<String, String> defaults = new HashMap<>();
        for (Instruction arg : all("ARG")) {
            int eq = arg.arguments().indexOf('=');
            if (eq > 0) {
                defaults.put(arg.arguments().substring(0, eq), arg.arguments().substring(eq + 1));
            }
        }
        return defaults;
    }

    private static String text() {
        return ImageFiles.read(ImageFiles.dockerDir().resolve("Dockerfile"));
    }

    @Test
    void shouldPinEveryBaseImageByTagOrDigest() {
        Map<String, String> args = argDefaults();
        Set<String> stages = new HashSet<>();
        List<Instruction> froms = all("FROM");
        assertTrue(froms.size() >= 2, "a multi-stage build");
        for (Instruction from : froms) {
            List<String> words = new ArrayList<>(List.of(WHITESPACE.split(from.arguments())));
            words.removeIf(word -> word.startsWith("--platform="));
            Matcher variable = VARIABLE.matcher(words.getFirst());
            String image = variable.replaceAll(m -> Matcher.quoteReplacement(args.getOrDefault(m.group(1), "")));
            if (words.size() == 3 && words.get(1).equalsIgnoreCase("AS")) {
                stages.add(words.get(2));
            }
            if (stages.contains(image)) {
                continue;
            }
            String lastPart = image.substring(image.lastIndexOf('/') + 1);
            boolean digest = image.contains("@sha256:");
            String tag = lastPart.contains(":") ? lastPart.substring(lastPart.indexOf(':') + 1) : "";
            assertTrue(
                    digest || (!tag.isEmpty() && !tag.equals("latest") && tag.matches(".*\\d.*")),
                    () -> "Dockerfile:" + from.line() + ": base image '" + image
                            + "' is not pinned to a versioned tag or digest");
        }
    }

    @Test
    void shouldRunTheFinalStageFromUbiMicro() {
        Instruction last = all("FROM").getLast();
        String image = VARIABLE.matcher(last.arguments())
                .replaceAll(m -> Matcher.quoteReplacement(argDefaults().get(m.group(1))));
        assertTrue(
                image.startsWith("registry.access.redhat.com/ubi9/ubi-micro:"),
                () -> "Dockerfile:" + last.line() + ": final base '" + image + "'");
    }

    @Test
    void shouldRunAsTheNumericNonRootUser10000() {
        Instruction user = all("USER").getLast();
        assertTrue(
                user.arguments().matches("\\d+(:\\d+)?"),
                () -> "Dockerfile:" + user.line() + ": USER '" + user.arguments()
                        + "' must be numeric so that runAsNonRoot can verify it");
        assertEquals("10000", user.arguments().replaceFirst(":.*", ""), "uid of runner");
        assertTrue(text().contains("runner:x:10000:"), "a passwd entry names uid 10000 'runner'");
    }

    @Test
    void shouldHoldNoSecrets() {
        Pattern secretName = Pattern.compile("(?i).*(password|passwd|secret|token|seed|private|apikey|api_key).*");
        for (Instruction instruction : instructions()) {
            if (instruction.keyword().equals("ENV") || instruction.keyword().equals("ARG")) {
                for (String word :
                        WHITESPACE.splitAsStream(instruction.arguments()).toList()) {
                    String name = word.replaceFirst("=.*", "");
                    assertFalse(
                            secretName.matcher(name).matches(),
                            () -> "Dockerfile:" + instruction.line() + ": '" + name
                                    + "' looks like a secret baked into the image");
                }
            }
            if (instruction.keyword().equals("COPY") || instruction.keyword().equals("ADD")) {
                assertFalse(
                        instruction.arguments().matches("(?i).*\\.(creds|nk|seed|key|pem|jwt)\\b.*"),
                        () -> "Dockerfile:" + instruction.line() + ": copies credentials into the image: "
                                + instruction.arguments());
            }
        }
        assertFalse(text().contains("-----BEGIN"), "no key material in the Dockerfile");
        assertTrue(all("ADD").isEmpty(), "COPY only: ADD would fetch URLs without a checksum");
    }

    @Test
    void shouldBuildNatsServer2124AndTheCliFromPinnedModules() {
        Map<String, String> args = argDefaults();
        assertEquals("v2.12.4", args.get("NATS_SERVER_VERSION"), "the nats-server version of the image");
        assertTrue(args.getOrDefault("NATS_CLI_VERSION", "").matches("v\\d+\\.\\d+\\.\\d+"), "the nats CLI is pinned");
        String text = text();
        assertTrue(text.contains("github.com/nats-io/nats-server/v2@${NATS_SERVER_VERSION}"), "go install at the pin");
        assertTrue(text.contains("github.com/nats-io/natscli/nats@${NATS_CLI_VERSION}"), "go install at the pin");
        assertTrue(text.contains("CGO_ENABLED=0"), "static binaries: ubi-micro has no extra libraries");
        assertFalse(
                text.contains("GONOSUMDB") || text.contains("GOFLAGS=-insecure") || text.contains("GOSUMDB=off"),
                "module checksums stay verified");
        assertTrue(text.contains("io.nats.server.version=\"2.12.4\""), "a label names the nats-server version");
    }

    @Test
    void shouldBuildForTheTargetArchitecture() {
        String text = text();
        assertTrue(text.contains("ARG TARGETOS") && text.contains("ARG TARGETARCH"), "multi-arch build args");
        assertTrue(text.contains("GOOS=\"$TARGETOS\" GOARCH=\"$TARGETARCH\""), "Go cross-compiles for the target");
        assertTrue(text.contains("--platform=$BUILDPLATFORM"), "arch-independent stages run natively");
    }

    @Test
    void shouldLinkFromTheSharedModuleListWithTheTestedOptions() {
        String text = text();
        assertTrue(text.contains("COPY docker/jlink.modules"), "the runtime stage reads docker/jlink.modules");
        for (String option : ImageFiles.JLINK_OPTIONS) {
            assertTrue(text.contains(option), () -> "jlink option '" + option + "' as JlinkRuntimeTest links");
        }
        assertTrue(
                text.contains(ImageFiles.IMAGE_JAVA_HOME + "/bin/java @/tmp/jvm.options -Xshare:dump"),
                "the CDS archive is dumped with the image's JVM options, as JlinkRuntimeTest does");
    }

    @Test
    void shouldCopyOnlyFilesThatExistInTheRepository() {
        for (Instruction copy : all("COPY")) {
            if (copy.arguments().contains("--from=")) {
                continue;
            }
            List<String> words = new ArrayList<>(List.of(WHITESPACE.split(copy.arguments())));
            words.removeIf(word -> word.startsWith("--"));
            for (String source : words.subList(0, words.size() - 1)) {
                assertTrue(
                        Files.exists(ImageFiles.repoRoot().resolve(source)),
                        () -> "Dockerfile:" + copy.line() + ": COPY source '" + source + "' is not in the repository");
            }
        }
    }

    @Test
    void shouldCopyEveryReactorModuleIntoTheJarStage() {
        String text = text();
        Matcher module = Pattern.compile("<module>([^<]+)</module>")
                .matcher(ImageFiles.read(ImageFiles.repoRoot().resolve("pom.xml")));
        int modules = 0;
        while (module.find()) {
            String name = module.group(1).strip();
            modules++;
            assertTrue(
                    text.contains("COPY " + name + "/pom.xml " + name + "/"),
                    () -> "the jar stage lacks the pom of reactor module '" + name + "' (Maven reads every module)");
            // docker/ holds only tests; a pom-only module (the BOM) has no sources to copy.
            if (!name.equals("docker")
                    && Files.isDirectory(ImageFiles.repoRoot().resolve(name).resolve("src"))) {
                assertTrue(
                        text.contains("COPY " + name + "/src " + name + "/src"),
                        () -> "the jar stage lacks the sources of '" + name + "' (pot-nats-launcher -am builds it)");
            }
        }
        assertTrue(modules >= 8, "the parent pom lists the reactor modules");
    }

    @Test
    void shouldLayOutTheImageAsTheContractSays() {
        String text = text();
        assertEquals(
                "[\"/home/runner/bin/pot-nats\"]", all("ENTRYPOINT").getLast().arguments(), "exec-form entrypoint");
        assertTrue(all("CMD").isEmpty(), "no CMD: 'docker run IMAGE ARGS' hands ARGS to nats-server");
        assertEquals(
                Set.of("4222", "6222", "8222"),
                Set.of(WHITESPACE.split(all("EXPOSE").getLast().arguments())));
        assertTrue(text.contains("docker/entrypoint.sh /home/runner/bin/pot-nats"), "the entrypoint script");
        assertTrue(text.contains("docker/server.conf /etc/nats/config/server.conf"), "the default NATS_CONF");
        assertTrue(text.contains("docker/jvm.options " + ImageFiles.IMAGE_LIB + "/jvm.options"), "JVM options");
        assertTrue(text.contains(ImageFiles.IMAGE_LIB + "/pot-nats.jar"), "the jar");
        assertTrue(
                text.contains("COPY --from=runtime " + ImageFiles.IMAGE_JAVA_HOME + " " + ImageFiles.IMAGE_JAVA_HOME),
                "the linked runtime, at the path its AOT cache was trained on");
        assertTrue(
                text.contains("-XX:AOTCacheOutput=" + ImageFiles.IMAGE_LIB + "/pot-nats.aot")
                        && text.contains(ImageFiles.IMAGE_LIB + "/pot-nats.aot " + ImageFiles.IMAGE_LIB + "/"),
                "the AOT cache trained in the runtime stage and copied beside the jar the entrypoint uses");
        assertTrue(text.contains("/out/nats-server /out/nats /home/runner/bin/"), "nats-server and nats");
        assertTrue(text.contains("/home/runner/data") && text.contains("/home/runner/run"), "writable dirs");
        assertTrue(text.contains("COPY LICENSE /licenses/"), "the license under /licenses");
        for (String label : List.of("version", "source", "licenses")) {
            assertTrue(text.contains("org.opencontainers.image." + label + "="), () -> "OCI label " + label);
        }
    }
}
