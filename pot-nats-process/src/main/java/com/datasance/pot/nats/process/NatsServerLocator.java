package com.datasance.pot.nats.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds the nats-server binary: an explicit path when one is given (and nothing else), else the
 * default path, else {@code nats-server} in each directory of the search path, else {@code
 * /usr/sbin/nats-server} (Debian's package).
 */
public final class NatsServerLocator {

    /** Where Debian's {@code nats-server} package installs it. */
    public static final Path DEBIAN_PATH = Path.of("/usr/sbin/nats-server");

    private NatsServerLocator() {}

    /**
     * Returns the first executable candidate.
     *
     * @param explicit a path the user chose; when present it is the only candidate
     * @param defaultPath the image's path, tried first when no explicit path is given
     * @param searchPath a PATH-style list of directories, may be empty
     * @return the absolute path of an executable regular file
     * @throws ProcessException naming every path tried and why each was rejected
     */
    public static Path locate(Optional<Path> explicit, Path defaultPath, Optional<String> searchPath)
            throws ProcessException {
        List<Path> candidates = new ArrayList<>();
        if (explicit.isPresent()) {
            candidates.add(explicit.get());
        } else {
            candidates.add(defaultPath);
            searchPath.stream()
                    .flatMap(path -> Arrays.stream(path.split(File.pathSeparator, -1)))
                    .filter(dir -> !dir.isBlank())
                    .map(dir -> Path.of(dir, "nats-server"))
                    .forEach(candidates::add);
            candidates.add(DEBIAN_PATH);
        }
        List<String> rejected = new ArrayList<>();
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
            rejected.add(
                    "'" + candidate + "' (" + (Files.exists(candidate) ? "not an executable file" : "missing") + ")");
        }
        throw new ProcessException("no executable nats-server binary; tried "
                + rejected.stream().distinct().collect(Collectors.joining(", ")));
    }
}
