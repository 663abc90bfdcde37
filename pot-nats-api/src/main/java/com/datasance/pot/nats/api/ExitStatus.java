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

    /**
     * Validates that the two agree.
     *
     * @throws IllegalArgumentException when {@code code} is outside 0..255, or a signal is given
     *     that is below 1 or whose {@code 128 + signal} is not {@code code}
     */
    public ExitStatus {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("exit status is 0..255, got " + code);
        }
        if (signal.isPresent() && (signal.getAsInt() < 1 || code != 128 + signal.getAsInt())) {
            throw new IllegalArgumentException("a process killed by signal " + signal.getAsInt() + " has status "
                    + (128 + signal.getAsInt()) + ", got " + code);
        }
    }

    /**
     * The process called {@code exit(code)}.
     *
     * @param code the status it passed, 0..255
     * @return the status, with no signal
     * @throws IllegalArgumentException when {@code code} is outside 0..255
     */
    public static ExitStatus exited(int code) {
        return new ExitStatus(code, OptionalInt.empty());
    }

    /**
     * The process was killed by a signal.
     *
     * @param signal the signal number, 1..127 (9 for SIGKILL)
     * @return the status {@code 128 + signal}, with the signal
     * @throws IllegalArgumentException when {@code signal} is outside 1..127
     */
    public static ExitStatus killedBy(int signal) {
        return new ExitStatus(128 + signal, OptionalInt.of(signal));
    }

    /**
     * Whether a signal ended the process.
     *
     * @return true when {@link #signal()} is present
     */
    public boolean bySignal() {
        return signal.isPresent();
    }

    /**
     * Whether the process exited by itself with status 0.
     *
     * @return true for {@code exit(0)}; false for any other code and for any signal
     */
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
