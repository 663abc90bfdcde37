package com.datasance.pot.nats.jetstream;

import java.util.Objects;

/**
 * A problem the operator can fix: a creds or CA file that cannot be read, a server that never
 * accepted a connection before the deadline, a directory that cannot be listed or written. The
 * message names the path, URL or subject, with values in single quotes; {@link #kind()} says, for
 * callers that decide, whether waiting may help.
 */
public final class ReconcileException extends Exception {

    /** What kind of problem, for callers that decide what to do next (never from the message). */
    public enum Kind {
        /**
         * Nothing accepted a connection at the client URL before the ready deadline (refused,
         * unreachable, timed out): a server still starting looks like this, and so does a wrong
         * URL; waiting may help.
         */
        NOT_LISTENING,
        /** Everything else: a wrong setting, an unreadable file, a refused sign-in; waiting does not help. */
        OTHER
    }

    /** Whether waiting may help: how a caller tells a server still starting from a wrong setting. */
    private final Kind kind;

    /**
     * A problem with its message.
     *
     * @param message what is wrong, the value, what was expected
     */
    public ReconcileException(String message) {
        super(message);
        this.kind = Kind.OTHER;
    }

    /**
     * A problem with its message and cause.
     *
     * @param message what is wrong, the value, what was expected
     * @param cause the underlying exception
     */
    public ReconcileException(String message, Throwable cause) {
        this(Kind.OTHER, message, cause);
    }

    /**
     * A problem of {@code kind} with its message and cause.
     *
     * @param kind what kind of problem
     * @param message what is wrong, the value, what was expected
     * @param cause the underlying exception
     * @throws NullPointerException when {@code kind} is null
     */
    public ReconcileException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /**
     * What kind of problem this is.
     *
     * @return {@link Kind#NOT_LISTENING} when nothing accepted a connection in time, else {@link
     *     Kind#OTHER}
     */
    public Kind kind() {
        return kind;
    }
}
