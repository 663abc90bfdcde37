package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.ServerProcess;
import com.datasance.pot.nats.process.NatsServerProcess;

/**
 * Signals to the wrapper that are passed on to nats-server unchanged, with nats-server's meaning
 * (server/signal.go): what the official image's nats-server, PID 1 there, would receive.
 */
enum ForwardedSignal {
    /** Reopen the log file: what log rotation sends. */
    SIGUSR1,
    /** Lame duck mode: stop accepting clients, evict the connected ones, then exit. */
    SIGUSR2;

    /**
     * Sends this signal to {@code server}.
     *
     * @return false when it could not be sent: the server has exited, or is no nats-server child
     *     of ours (a test's fake)
     */
    boolean sendTo(ServerProcess server) {
        if (!(server instanceof NatsServerProcess nats)) {
            return false;
        }
        return switch (this) {
            case SIGUSR1 -> nats.reopenLogFile();
            case SIGUSR2 -> nats.enterLameDuckMode();
        };
    }
}
