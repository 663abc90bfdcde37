package com.datasance.pot.nats.config;

import com.datasance.pot.nats.api.Origin;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A config that cannot be read, parsed or understood. The message reads {@code FILE:LINE:COL:
 * message}, with {@code (included from FILE:LINE:COL)} for each include on the way when the
 * problem is in an included file; in-memory input is named {@code <string>}.
 *
 * <p>{@link #problem()} says, as a type, what a caller may act on: a file the config names that
 * cannot be read (watch it until it appears), or an include cycle (nats-server 2.9.10 recurses on
 * one until it is killed, so {@code nats-server -t} is not worth running).
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Not serialized: an origin is no {@code Serializable}; the message keeps its text. */
    private final transient Origin origin;

    /** The message without the position (serialized with the exception). */
    private final String detail;

    /** Not serialized, as the origin. */
    private final transient Problem problem;

    /** What kind of problem a caller may act on; any other problem has none. */
    public sealed interface Problem {
        /**
         * A file the config names (an include) is missing, not a regular file, or not readable.
         *
         * @param path the file, absolute and normalized
         */
        record UnreadableFile(Path path) implements Problem {
            /**
             * Checks the path.
             *
             * @throws NullPointerException when {@code path} is null
             */
            public UnreadableFile {
                Objects.requireNonNull(path, "path");
            }
        }

        /**
         * An include cycle: nats-server would recurse on it until killed.
         *
         * @param chain the files from the main config to the one included again, which ends it
         */
        record IncludeCycle(List<Path> chain) implements Problem {
            /**
             * Copies the chain.
             *
             * @throws NullPointerException when {@code chain} is or holds null
             */
            public IncludeCycle {
                chain = List.copyOf(chain);
            }
        }
    }

    /**
     * A problem at {@code origin}.
     *
     * @param origin where the problem is; its text (with the include chain) starts the message
     * @param detail what is wrong and what was expected, without the position
     * @throws NullPointerException when an argument is null
     */
    public ConfigException(Origin origin, String detail) {
        super(Objects.requireNonNull(origin, "origin") + ": " + Objects.requireNonNull(detail, "detail"));
        this.origin = origin;
        this.detail = detail;
        this.problem = null;
    }

    /**
     * A problem at {@code origin} of a kind a caller may act on.
     *
     * @param origin where the problem is; its text (with the include chain) starts the message
     * @param detail what is wrong and what was expected, without the position
     * @param problem what kind of problem it is
     * @throws NullPointerException when an argument is null
     */
    public ConfigException(Origin origin, String detail, Problem problem) {
        super(Objects.requireNonNull(origin, "origin") + ": " + Objects.requireNonNull(detail, "detail"));
        this.origin = origin;
        this.detail = detail;
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /**
     * A problem at {@code origin} caused by another exception (an I/O error reading an include).
     *
     * @param origin where the problem is; its text (with the include chain) starts the message
     * @param detail what is wrong and what was expected, without the position
     * @param cause the underlying exception
     * @throws NullPointerException when {@code origin} or {@code detail} is null
     */
    public ConfigException(Origin origin, String detail, Throwable cause) {
        this(origin, detail);
        initCause(cause);
    }

    /**
     * Where the problem is.
     *
     * @return the origin given; null after the exception was deserialized (it is not serialized)
     */
    public Origin origin() {
        return origin;
    }

    /**
     * The message without the position, for callers that print the position apart.
     *
     * @return the detail given
     */
    public String detail() {
        return detail;
    }

    /**
     * What kind of problem this is, when it is one a caller may act on.
     *
     * @return the problem; empty for any other problem, and after deserialization
     */
    public Optional<Problem> problem() {
        return Optional.ofNullable(problem);
    }
}
