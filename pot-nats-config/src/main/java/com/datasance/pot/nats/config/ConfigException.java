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

    private final transient Origin origin;
    private final String detail;

    public ConfigException(Origin origin, String detail) {
        super(Objects.requireNonNull(origin, "origin") + ": " + Objects.requireNonNull(detail, "detail"));
        this.origin = origin;
        this.detail = detail;
    }

    public ConfigException(Origin origin, String detail, Throwable cause) {
        this(origin, detail);
        initCause(cause);
    }

    /** Where the problem is. */
    public Origin origin() {
        return origin;
    }

    /** The message without the position. */
    public String detail() {
        return detail;
    }
}
