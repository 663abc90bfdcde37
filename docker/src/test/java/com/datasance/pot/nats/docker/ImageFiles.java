package com.datasance.pot.nats.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The files of the image recipe as the tests see them: this module's directory (docker/), the
 * repository root, pot-nats.jar built earlier in the same reactor, and the Java runtime linked
 * from {@code docker/jlink.modules} with the options the Dockerfile uses.
 */
final class ImageFiles {

    /** The jlink options of the Dockerfile's runtime stage; DockerfileTest checks they match. */
    static final List<String> JLINK_OPTIONS = List.of(
            "--strip-debug", "--no-man-pages", "--no-header-files", "--compress=zip-6", "--generate-cds-archive");

    /** The image's layout, shared by the Dockerfile, the entrypoint and the tests. */
    static final String IMAGE_JAVA_HOME = "/home/runner/java";

    static final String IMAGE_LIB = "/home/runner/lib";

    private static Path linkedRuntime;

    private ImageFiles() {}

    /** docker/: surefire runs with the module's directory as working directory. */
    static Path dockerDir() {
        Path dir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("Dockerfile"))) {
            throw new IllegalStateException(
                    "expected the docker module directory, found '" + dir + "' without a Dockerfile");
        }
        return dir;
    }

    static Path repoRoot() {
        return dockerDir().getParent();
    }

    /** A file the recipe needs, with a message naming who provides it when it is missing. */
    static Path require(Path file, String providedBy) {
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("'" + file + "' is missing; it is provided by " + providedBy);
        }
        return file;
    }

    static Path launcherJar() {
        return require(
                repoRoot().resolve("pot-nats-launcher/target/pot-nats.jar"),
                "pot-nats-launcher's package phase; run the tests through the reactor,"
                        + " e.g. 'scripts/test.sh -pl docker -am', so that the jar is built first");
    }

    static Path jvmOptions() {
        return require(dockerDir().resolve("jvm.options"), "the foundation work (docker/jvm.options, a java @argfile)");
    }

    static Path serverConf() {
        return require(
                dockerDir().resolve("server.conf"), "the foundation work (docker/server.conf, the default config)");
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** docker/jlink.modules without comments and blank lines. */
    static List<String> jlinkModules() {
        List<String> modules = new ArrayList<>();
        for (String line : read(dockerDir().resolve("jlink.modules")).lines().toList()) {
            String module = line.replaceFirst("#.*", "").strip();
            if (!module.isEmpty()) {
                modules.add(module);
            }
        }
        return modules;
    }

    /** The JDK running the tests (JDK 25, found by scripts/lib.sh). */
    static Path jdkTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name);
    }

    /**
     * The runtime linked as the Dockerfile links it, with its CDS archive dumped with
     * docker/jvm.options, built once per module list and options under target/.
     * jlink takes several seconds, so every test class shares one.
     */
    static synchronized Path linkedRuntime() {
        if (linkedRuntime != null) {
            return linkedRuntime;
        }
        List<String> modules = jlinkModules();
        Path target = dockerDir().resolve("target");
        Path output = target.resolve(
                "jlink-runtime-" + Integer.toHexString(Objects.hash(modules, JLINK_OPTIONS, read(jvmOptions()))));
        if (!Files.isExecutable(output.resolve("bin/java"))) {
            deleteTree(output);
            List<String> command =
                    new ArrayList<>(List.of(jdkTool("jlink").toString(), "--add-modules", String.join(",", modules)));
            command.addAll(JLINK_OPTIONS);
            command.addAll(List.of("--output", output.toString()));
            Commands.Result result = Commands.run(command, target, Map.of());
            assertEquals(0, result.exitCode(), () -> "jlink failed: " + command + "\n" + result.output());
            // As the Dockerfile does: the default CDS archive, dumped with the image's JVM options.
            List<String> dump = List.of(output.resolve("bin/java").toString(), "@" + jvmOptions(), "-Xshare:dump");
            Commands.Result dumped = Commands.run(dump, target, Map.of());
            assertEquals(0, dumped.exitCode(), () -> "CDS dump failed: " + dump + "\n" + dumped.output());
        }
        linkedRuntime = output;
        return output;
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
