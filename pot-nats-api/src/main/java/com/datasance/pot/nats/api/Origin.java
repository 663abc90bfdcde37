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
 *
 * @param source the file path as given (not resolved), or {@link #IN_MEMORY}; not blank
 * @param line the 1-based line
 * @param column the 1-based column, counted in characters (UTF-16 units)
 * @param includedFrom where the include that pulled {@code source} in was written; empty for the
 *     top-level source
 */
public record Origin(String source, int line, int column, Optional<Origin> includedFrom) {

    /** The source name of input that has no file. */
    public static final String IN_MEMORY = "<string>";

    /**
     * Validates the position.
     *
     * @throws NullPointerException when {@code source} or {@code includedFrom} is null
     * @throws IllegalArgumentException when {@code source} is blank, or {@code line} or {@code
     *     column} is below 1
     */
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

    /**
     * A position in a file, not reached through an include.
     *
     * @param file the file as it was named (its {@code toString()} becomes the source)
     * @param line the 1-based line
     * @param column the 1-based column
     * @return the origin
     * @throws IllegalArgumentException when {@code line} or {@code column} is below 1
     */
    public static Origin of(Path file, int line, int column) {
        return new Origin(file.toString(), line, column, Optional.empty());
    }

    /**
     * A position in input that has no file (a string parsed in memory), shown as {@code
     * <string>:LINE:COL}.
     *
     * @param line the 1-based line
     * @param column the 1-based column
     * @return the origin
     * @throws IllegalArgumentException when {@code line} or {@code column} is below 1
     */
    public static Origin inMemory(int line, int column) {
        return new Origin(IN_MEMORY, line, column, Optional.empty());
    }

    /**
     * The same position, reached through an include; the include's own chain is kept.
     *
     * @param include where the {@code include} directive that pulled this source in was written
     * @return a new origin with {@code include} as its {@link #includedFrom()}
     * @throws NullPointerException when {@code include} is null
     */
    public Origin includedFrom(Origin include) {
        return new Origin(source, line, column, Optional.of(include));
    }

    /**
     * This position alone, for messages that print the chain apart.
     *
     * @return {@code SOURCE:LINE:COL}, without the include chain
     */
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
