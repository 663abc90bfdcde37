package com.datasance.pot.nats.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime the image links from docker/jlink.modules runs pot-nats.jar: jdeps finds no
 * module missing from the list, and the linked java runs 'pot-nats version' and supervises the
 * real nats-server. A missing module shows up here, long before an image is built.
 */
class JlinkRuntimeTest {

    @Test
    void shouldListEveryModuleThatJdepsFindsInTheJar() {
        Path jar = ImageFiles.launcherJar();
        List<String> command = List.of(
                ImageFiles.jdkTool("jdeps").toString(),
                "--print-module-deps",
                "--ignore-missing-deps",
                "--multi-release",
                Integer.toString(Runtime.version().feature()),
                jar.toString());
        Commands.Result result = Commands.run(command, ImageFiles.dockerDir(), Map.of());
        assertEquals(0, result.exitCode(), () -> "jdeps failed: " + command + "\n" + result.output());
        Set<String> needed = new TreeSet<>(
                Arrays.asList(Pattern.compile(",").split(result.output().strip())));
        needed.removeIf(module -> !module.startsWith("java.") && !module.startsWith("jdk."));
        Set<String> missing = new TreeSet<>(needed);
        missing.removeAll(ImageFiles.jlinkModules());
        assertTrue(
                missing.isEmpty(),
                () -> "docker/jlink.modules lacks " + missing + " that " + jar.getFileName() + " needs (jdeps: "
                        + needed + ")");
    }

    @Test
    void shouldListOnlyModulesThatTheJdkHas() {
        Commands.Result result = Commands.run(
                List.of(ImageFiles.jdkTool("java").toString(), "--list-modules"), ImageFiles.dockerDir(), Map.of());
        Set<String> available = new TreeSet<>();
        result.output()
                .lines()
                .forEach(line -> available.add(line.replaceFirst("@.*", "").strip()));
        for (String module : ImageFiles.jlinkModules()) {
            assertTrue(
                    available.contains(module),
                    () -> "docker/jlink.modules names '" + module + "', which JDK " + Runtime.version()
                            + " does not have");
        }
    }

    @Test
    void shouldLinkAStrippedRuntimeWhoseCdsArchiveMapsWithTheImageOptions() {
        Path runtime = ImageFiles.linkedRuntime();
        assertFalse(Files.exists(runtime.resolve("include")), "header files are stripped");
        assertFalse(Files.exists(runtime.resolve("man")), "man pages are stripped");
        // -Xshare:on fails instead of silently running without the archive when it does not map.
        List<String> command = List.of(
                runtime.resolve("bin/java").toString(), "@" + ImageFiles.jvmOptions(), "-Xshare:on", "-version");
        Commands.Result share = Commands.run(command, runtime, Map.of());
        assertEquals(0, share.exitCode(), () -> "the linked runtime cannot map its CDS archive:\n" + share.output());
    }

    @Test
    void shouldRunVersionOnTheLinkedRuntime() {
        Path runtime = ImageFiles.linkedRuntime();
        List<String> command = List.of(
                runtime.resolve("bin/java").toString(),
                "@" + ImageFiles.jvmOptions(),
                "-jar",
                ImageFiles.launcherJar().toString(),
                "version");
        Commands.Result result = Commands.run(command, ImageFiles.dockerDir(), Map.of());
        assertEquals(0, result.exitCode(), () -> command + " failed:\n" + result.output());
        assertFalse(result.output().isBlank(), "'pot-nats version' prints the version");
        assertFalse(result.output().contains("Exception"), () -> "'pot-nats version' output:\n" + result.output());
    }

    @Test
    void shouldSuperviseNatsServerOnTheLinkedRuntime(@TempDir Path dir) throws Exception {
        Path runtime = ImageFiles.linkedRuntime();
        List<String> command = List.of(
                runtime.resolve("bin/java").toString(),
                "@" + ImageFiles.jvmOptions(),
                "-jar",
                ImageFiles.launcherJar().toString());
        try (RunningWrapper wrapper = RunningWrapper.start(command, dir, Map.of())) {
            assertEquals(
                    "pot-nats-image-test",
                    wrapper.monitoring().varz().path("server_name").asText(),
                    "nats-server runs the config named by NATS_CONF");
            wrapper.terminateAndCheck();
        }
    }
}
