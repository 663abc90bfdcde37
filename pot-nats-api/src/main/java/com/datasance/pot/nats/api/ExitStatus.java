package com.datasance.pot.nats.api;

import java.util.OptionalInt;

/**
 * How a nats-server process ended: the exit code it passed to {@code exit(2)}, or the signal that
 * killed it. {@link #code()} is what a shell reports and what the wrapper exits with: the child's
 * own code, or {@code 128 + n} when signal {@code n} killed it.
 *
 * @param code the shell-style status, 0..255
 * @param signal the signal number when the process was killed by a signal, empty when it exited
 */
public record ExitStatus(int code, OptionalInt signal) {

    public ExitStatus {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("exit status is 0..255, got " + code);
        }
        if (signal.isPresent() && (signal.getAsInt() < 1 || code != 128 + signal.getAsInt())) {
            throw new IllegalArgumentException("a process killed by signal " + signal.getAsInt() + " has status "
                    + (128 + signal.getAsInt()) + ", got " + code);
        }
    }

    /** The process called {@code exit(code)}. */
    public static ExitStatus exited(int code) {
        return new ExitStatus(code, OptionalInt.empty());
    }

    /** The process was killed by signal {@code signal}; its status is {@code 128 + signal}. */
    public static ExitStatus killedBy(int signal) {
        return new ExitStatus(128 + signal, OptionalInt.of(signal));
    }

    /** True when a signal ended the process. */
    public boolean bySignal() {
        return signal.isPresent();
    }

    /** True when the process exited by itself with status 0. */
    public boolean success() {
        return code == 0 && signal.isEmpty();
    }

    @Override
    public String toString() {
        return signal.isPresent()
                ? "killed by signal " + signal.getAsInt() + " (status " + code + ")"
                : "exit status " + code;
    }
}
