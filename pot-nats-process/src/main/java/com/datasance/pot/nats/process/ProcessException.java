package com.datasance.pot.nats.process;

/**
 * A problem with the nats-server process that the user can fix: the binary is missing or cannot
 * run, the config check could not run. The message names the command line or the paths tried,
 * never the environment.
 */
public final class ProcessException extends Exception {

    public ProcessException(String message) {
        super(message);
    }

    public ProcessException(String message, Throwable cause) {
        super(message, cause);
    }
}
