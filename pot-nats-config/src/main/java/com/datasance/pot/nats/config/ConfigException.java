package com.datasance.pot.nats.config;

import com.datasance.pot.nats.api.Origin;
import java.util.Objects;

/**
 * A config that cannot be read, parsed or understood. The message reads {@code FILE:LINE:COL:
 * message}, with {@code (included from FILE:LINE:COL)} for each include on the way when the
 * problem is in an included file; in-memory input is named {@code <string>}.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Not serialized: an origin is no {@code Serializable}; the message keeps its text. */
    private final transient Origin origin;

    /** The message without the position (serialized with the exception). */
    private final String detail;

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
}
