package com.datasance.pot.nats.jetstream;

/**
 * A problem the operator can fix: a creds or CA file that cannot be read, a server that never
 * accepted a connection before the deadline, a directory that cannot be listed or written. The
 * message names the path, URL or subject, with values in single quotes.
 */
public final class ReconcileException extends Exception {

    /**
     * A problem with its message.
     *
     * @param message what is wrong, the value, what was expected
     */
    public ReconcileException(String message) {
        super(message);
    }

    /**
     * A problem with its message and cause.
     *
     * @param message what is wrong, the value, what was expected
     * @param cause the underlying exception
     */
    public ReconcileException(String message, Throwable cause) {
        super(message, cause);
    }
}
