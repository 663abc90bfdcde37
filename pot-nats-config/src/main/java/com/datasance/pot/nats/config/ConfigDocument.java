package com.datasance.pot.nats.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed config: its top-level map, the file it was read from (empty for in-memory input), the
 * directory nats-server would resolve relative paths against, and every file it included, nested
 * includes too, in the order they were read. Immutable.
 *
 * @param file the config file as given to the reader; empty for in-memory input
 * @param baseDir absolute: where relative paths resolve (the config file's directory, where
 *     pot-nats starts nats-server)
 * @param root the top-level map
 * @param includes every {@link FileReference.Kind#INCLUDE} read, nested ones too, in read order;
 *     unmodifiable
 */
public record ConfigDocument(
        Optional<Path> file, Path baseDir, ConfigValue.ConfigMap root, List<FileReference> includes) {

    /**
     * Validates the document.
     *
     * @throws NullPointerException when an argument is null or {@code includes} holds null
     * @throws IllegalArgumentException when {@code baseDir} is relative
     */
    public ConfigDocument {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(baseDir, "baseDir");
        Objects.requireNonNull(root, "root");
        includes = List.copyOf(includes);
        if (!baseDir.isAbsolute()) {
            throw new IllegalArgumentException("baseDir must be absolute, got '" + baseDir + "'");
        }
    }
}
