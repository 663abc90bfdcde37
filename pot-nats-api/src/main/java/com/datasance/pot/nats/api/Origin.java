package com.datasance.pot.nats.api;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a value or an error comes from: a source (a file path, or {@code <string>} for in-memory
 * input), a 1-based line and column, and the include that pulled the source in, if any.
 *
 * <p>{@link #toString()} gives the one format every pot-nats error uses: {@code
 * server.conf:12:7}, followed by {@code (included from main.conf:3:1)} for each include on the
 * way.
 */
public record Origin(String source, int line, int column, Optional<Origin> includedFrom) {

    /** The source name of input that has no file. */
    public static final String IN_MEMORY = "<string>";

    public Origin {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(includedFrom, "includedFrom");
        if (source.isBlank()) {
            throw new IllegalArgumentException("origin source must not be blank");
        }
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("origin line and column are 1-based, got " + line + ":" + column);
        }
    }

    public static Origin of(Path file, int line, int column) {
        return new Origin(file.toString(), line, column, Optional.empty());
    }

    public static Origin inMemory(int line, int column) {
        return new Origin(IN_MEMORY, line, column, Optional.empty());
    }

    /** The same position, reached through the include at {@code include}. */
    public Origin includedFrom(Origin include) {
        return new Origin(source, line, column, Optional.of(include));
    }

    /** {@code FILE:LINE:COL}, without the include chain. */
    public String position() {
        return source + ":" + line + ":" + column;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(position());
        Optional<Origin> next = includedFrom;
        while (next.isPresent()) {
            Origin include = next.get();
            text.append(" (included from ").append(include.position()).append(')');
            next = include.includedFrom;
        }
        return text.toString();
    }
}
