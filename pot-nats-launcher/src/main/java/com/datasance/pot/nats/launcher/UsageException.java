package com.datasance.pot.nats.launcher;

/**
 * A bad command line or a bad environment variable: the launcher prints the message (one line
 * naming the argument or variable, the value, and what is accepted) and exits with status 2.
 */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message);
    }
}
