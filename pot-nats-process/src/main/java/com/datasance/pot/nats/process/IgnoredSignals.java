package com.datasance.pot.nats.process;

/**
 * Takes back a signal the process was started with ignored. A shell ignores SIGINT and SIGQUIT in
 * the jobs it starts with {@code &} (without job control), {@code nohup} ignores SIGHUP, and an
 * ignored signal stays ignored across exec. The JVM then installs no handler for SIGHUP, SIGINT
 * or SIGTERM: {@code kill -INT} would do nothing. nats-server (Go's {@code signal.Notify}) takes
 * such a signal back, and the wrapper must stop on it as nats-server alone would.
 */
public final class IgnoredSignals {

    private IgnoredSignals() {}

    /**
     * Sets the action of signal {@code number} (Linux numbering) back to SIG_DFL, so that a handler
     * installed afterwards is called.
     *
     * @throws IllegalArgumentException when {@code number} is not a signal number (1 to 64)
     * @throws IllegalStateException when the C library refuses (SIGKILL and SIGSTOP cannot be set)
     */
    public static void restoreDefault(int number) {
        if (number < 1 || number > 64) {
            throw new IllegalArgumentException("not a signal number: " + number + " (1 to 64)");
        }
        LibC.restoreDefaultAction(number);
    }
}
