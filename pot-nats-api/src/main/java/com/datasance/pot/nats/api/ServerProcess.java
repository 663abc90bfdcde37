package com.datasance.pot.nats.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A running nats-server, as the launcher drives it: reload, stop, and learn how it ended. The seam
 * between the process module and the wiring; tests of the wiring pass a fake.
 *
 * <p>Implementations are thread-safe: a watcher thread may {@link #reload()} while the supervisor
 * thread waits on {@link #onExit()}.
 */
public interface ServerProcess {

    /** The operating-system process id. */
    long pid();

    /**
     * Asks nats-server to reload its config (SIGHUP). Does nothing when the process has already
     * exited.
     *
     * @throws IllegalStateException when the signal cannot be delivered for another reason
     */
    void reload();

    /**
     * Stops nats-server gracefully and waits for it: lame duck mode first (SIGUSR2) when {@code
     * lameDuck}, then SIGINT, then SIGKILL when it is still running after {@code timeout}.
     * Returns at once with the status when the process has already exited.
     *
     * @throws InterruptedException when interrupted while waiting; the process may still be running
     */
    ExitStatus stop(Duration timeout, boolean lameDuck) throws InterruptedException;

    /** Completes with the exit status when the process ends, whoever ended it. */
    CompletableFuture<ExitStatus> onExit();

    /** True while the process runs. */
    boolean isAlive();
}
