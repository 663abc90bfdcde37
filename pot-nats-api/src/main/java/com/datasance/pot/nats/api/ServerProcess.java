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

    /**
     * The process, for log lines and signals.
     *
     * @return the operating-system process id; stays the same after the process exited
     */
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
     * @param timeout how long nats-server gets to stop before SIGKILL; {@link Duration#ZERO} is
     *     SIGKILL at once
     * @param lameDuck whether to put it in lame duck mode (SIGUSR2) first
     * @return how it ended (137, SIGKILL, when it had to be killed)
     * @throws InterruptedException when interrupted while waiting; the process may still be running
     */
    ExitStatus stop(Duration timeout, boolean lameDuck) throws InterruptedException;

    /**
     * How the process ended, once it does, whoever ended it.
     *
     * @return a future that completes with the exit status
     */
    CompletableFuture<ExitStatus> onExit();

    /**
     * Whether the process still runs.
     *
     * @return true until it has exited
     */
    boolean isAlive();
}
