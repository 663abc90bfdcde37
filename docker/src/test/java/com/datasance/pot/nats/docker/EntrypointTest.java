package com.datasance.pot.nats.docker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/entrypoint.sh, the image's /home/runner/bin/pot-nats: shellcheck-clean, runs the linked
 * runtime, hands its arguments to pot-nats (and so to nats-server), and replaces itself with the
 * JVM so that the container runtime's SIGTERM reaches pot-nats with no shell in between.
 */
class EntrypointTest {

    private static final String SHELLCHECK_HINT =
            "shellcheck is needed by this test and was not found on PATH; install it with 'apt-get install shellcheck'";

    private static Path entrypoint() {
        return ImageFiles.dockerDir().resolve("entrypoint.sh");
    }

    /** The image layout in a temp dir: the linked runtime and a lib dir with the jar and options. */
    private static Map<String, String> imageLayout(Path dir) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.createSymbolicLink(lib.resolve("pot-nats.jar"), ImageFiles.launcherJar());
        Files.createSymbolicLink(lib.resolve("jvm.options"), ImageFiles.jvmOptions());
        return Map.of(
                "POT_NATS_JAVA_HOME", ImageFiles.linkedRuntime().toString(),
                "POT_NATS_LIB", lib.toString());
    }

    @Test
    void shouldBeShellcheckClean() {
        Path shellcheck = Stream.of(Pattern.compile(Pattern.quote(File.pathSeparator))
                        .split(System.getenv().getOrDefault("PATH", "")))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, "shellcheck"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError(SHELLCHECK_HINT));
        List<String> command =
                List.of(shellcheck.toString(), "--severity=style", entrypoint().toString());
        Commands.Result result = Commands.run(command, ImageFiles.dockerDir(), Map.of());
        assertEquals(0, result.exitCode(), () -> "shellcheck reports:\n" + result.output());
    }

    @Test
    void shouldBeAnExecutableBashScriptAtTheImagePaths() throws IOException {
        assertTrue(Files.isExecutable(entrypoint()), "docker/entrypoint.sh is executable (git keeps the mode)");
        String script = ImageFiles.read(entrypoint());
        assertTrue(script.startsWith("#!/bin/bash\n"), "ubi-micro has bash, and the script uses bash arrays/options");
        assertTrue(script.contains(ImageFiles.IMAGE_JAVA_HOME), "defaults to the image's runtime");
        assertTrue(script.contains(ImageFiles.IMAGE_LIB), "defaults to the image's lib dir");
        assertTrue(
                script.lines().anyMatch(line -> line.startsWith("exec ") && line.endsWith("\"$@\"")),
                "the JVM replaces the shell (exec) and gets the arguments unchanged (\"$@\")");
    }

    @Test
    void shouldRunVersionThroughTheEntrypoint(@TempDir Path dir) throws IOException {
        Commands.Result result = Commands.run(List.of(entrypoint().toString(), "version"), dir, imageLayout(dir));
        assertEquals(0, result.exitCode(), () -> "entrypoint.sh version failed:\n" + result.output());
        Commands.Result direct = Commands.run(
                List.of(
                        ImageFiles.linkedRuntime().resolve("bin/java").toString(),
                        "@" + ImageFiles.jvmOptions(),
                        "-jar",
                        ImageFiles.launcherJar().toString(),
                        "version"),
                dir,
                Map.of());
        assertEquals(direct.output(), result.output(), "the entrypoint adds nothing to what pot-nats prints");
    }

    @Test
    void shouldReplaceItselfWithTheJvmAndStopOnSigterm(@TempDir Path dir) throws Exception {
        try (RunningWrapper wrapper = RunningWrapper.start(List.of(entrypoint().toString()), dir, imageLayout(dir))) {
            Optional<String> command = wrapper.handle().info().command();
            assertTrue(
                    command.orElse("").endsWith("/bin/java"),
                    () -> "after exec, the entrypoint's pid runs java, found " + command);
            assertEquals(
                    wrapper.pid(),
                    wrapper.natsServer().parent().map(ProcessHandle::pid).orElse(-1L));
            wrapper.terminateAndCheck();
        }
    }

    @Test
    void shouldPassArgumentsThroughToNatsServer(@TempDir Path dir) throws Exception {
        // As 'docker run IMAGE -n NAME -DV': no 'run' word, the arguments go to nats-server after -c.
        List<String> command = List.of(entrypoint().toString(), "-n", "named-by-argument", "-DV");
        try (RunningWrapper wrapper = RunningWrapper.start(command, dir, imageLayout(dir))) {
            assertEquals(
                    "named-by-argument",
                    wrapper.monitoring().varz().path("server_name").asText(),
                    "-n given to the entrypoint overrides the config's server_name");
            List<String> arguments =
                    wrapper.natsServer().info().arguments().map(List::of).orElse(List.of());
            assertTrue(arguments.contains("-DV"), () -> "nats-server arguments: " + arguments);
            await("nats-server debug output, asked for by -DV")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> wrapper.output().contains("[DBG]"));
            wrapper.terminateAndCheck();
        }
    }
}
