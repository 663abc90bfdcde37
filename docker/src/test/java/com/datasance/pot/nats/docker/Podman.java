package com.datasance.pot.nats.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * podman as the container scenarios run it: the binary from PATH (a clear failure naming the
 * install command when it is missing), the repository's containers.conf (runc, cgroupfs) unless
 * CONTAINERS_CONF is set, and the image under test from the {@code pot.nats.image} property that
 * {@code make image-test} (scripts/image.sh) passes.
 */
final class Podman {

    static final String INSTALL_HINT = "podman is needed by the container scenarios and was not found on PATH;"
            + " install it with 'apt-get install podman runc' (scripts/lib.sh does so when run as root,"
            + " e.g. by 'make image-test')";

    /** Every container and network the scenarios make carries it, so that leftovers can be found. */
    static final String LABEL = "pot-nats-test=true";

    private static Path binary;

    private Podman() {}

    static synchronized Path binary() {
        if (binary == null) {
            binary = Stream.of(Pattern.compile(Pattern.quote(File.pathSeparator))
                            .split(System.getenv().getOrDefault("PATH", "")))
                    .filter(dir -> !dir.isBlank())
                    .map(dir -> Path.of(dir, "podman"))
                    .filter(Files::isExecutable)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(INSTALL_HINT));
        }
        return binary;
    }

    /** The image the scenarios run; it must exist in podman's local storage. */
    static String image() {
        String image = System.getProperty("pot.nats.image", "");
        if (image.isBlank()) {
            throw new AssertionError("the container scenarios need the image to run in the system property"
                    + " pot.nats.image; run them with 'make image-test', which builds it first");
        }
        Commands.Result exists = run("image", "exists", image);
        assertEquals(
                0,
                exists.exitCode(),
                () -> "image '" + image + "' is not in podman's storage; build it with 'make image-standin IMAGE="
                        + image + "'\n" + exists.output());
        return image;
    }

    static Commands.Result run(String... args) {
        return run(List.of(args));
    }

    static Commands.Result run(List<String> args) {
        List<String> command = new ArrayList<>(List.of(binary().toString()));
        command.addAll(args);
        return Commands.run(command, ImageFiles.dockerDir(), environment());
    }

    /** Like {@link #run(List)}, failing with podman's output unless it exits 0; returns the output. */
    static String ok(List<String> args) {
        Commands.Result result = run(args);
        assertEquals(0, result.exitCode(), () -> "podman " + String.join(" ", args) + " failed:\n" + result.output());
        return result.output();
    }

    static String ok(String... args) {
        return ok(List.of(args));
    }

    private static Map<String, String> environment() {
        String conf = System.getenv("CONTAINERS_CONF");
        if (conf != null && !conf.isBlank()) {
            return Map.of();
        }
        return Map.of(
                "CONTAINERS_CONF",
                ImageFiles.dockerDir().resolve("standin/containers.conf").toString());
    }
}
