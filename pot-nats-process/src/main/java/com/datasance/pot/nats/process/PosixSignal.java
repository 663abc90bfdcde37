package com.datasance.pot.nats.process;

import java.util.Arrays;
import java.util.Optional;

/**
 * The signals the wrapper sends, with their Linux numbers (signal(7), x86-64 and arm64 agree on
 * these). nats-server's meaning of each is in {@code server/signal.go}.
 */
enum PosixSignal {
    /** Reload the config. */
    SIGHUP(1),
    /** Graceful stop; nats-server 2.9.10 exits 0 on it (and 1 on SIGTERM). */
    SIGINT(2),
    /** Cannot be caught: the last resort after the shutdown timeout. */
    SIGKILL(9),
    /** Reopen the log file (what logrotate sends). */
    SIGUSR1(10),
    /** Lame duck mode: stop accepting clients, evict the connected ones gradually, then exit. */
    SIGUSR2(12),
    SIGTERM(15);

    private final int number;

    PosixSignal(int number) {
        this.number = number;
    }

    int number() {
        return number;
    }

    static Optional<PosixSignal> ofNumber(int number) {
        return Arrays.stream(values()).filter(s -> s.number == number).findFirst();
    }
}
