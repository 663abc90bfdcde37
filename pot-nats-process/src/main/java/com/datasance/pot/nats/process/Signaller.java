package com.datasance.pot.nats.process;

/** Sends a signal to a process; the seam between the stop logic and kill(2). */
@FunctionalInterface
interface Signaller {

    /**
     * Sends {@code signal} to {@code pid}.
     *
     * @return false when the process no longer exists (ESRCH)
     * @throws IllegalStateException when the signal cannot be sent for any other reason
     */
    boolean send(long pid, PosixSignal signal);
}
