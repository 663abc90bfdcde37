package com.datasance.pot.nats.jetstream;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs one task at a time and merges requests: a request made while a run is under way joins the
 * one follow-up run, which starts when the current one ends, and every request merged into it
 * gets its result. The follow-up is run by one of the waiting callers (no thread of its own), with
 * the argument of the last request merged into it (the newest settings). An exclusive run
 * ({@link #exclusive}) waits its turn and is never merged.
 *
 * @param <A> what a run takes (the settings)
 * @param <T> what a run returns
 */
final class MergedRuns<A, T> {

    /** One run of the task. */
    @FunctionalInterface
    interface Task<A, T> {
        T run(A argument) throws ReconcileException, InterruptedException;
    }

    private final Object lock = new Object();
    // Guarded by lock: a run (merged or exclusive) is under way.
    private boolean running;
    // Guarded by lock: the follow-up run that requests join, not started yet.
    private CompletableFuture<T> next;
    // Guarded by lock: the argument of the last request merged into next.
    private A nextArgument;

    /**
     * Runs {@code task}, or joins the follow-up run when one is under way.
     *
     * @throws ReconcileException as the run that carried this request threw
     * @throws InterruptedException when interrupted while waiting or running
     */
    T request(A argument, Task<A, T> task) throws ReconcileException, InterruptedException {
        CompletableFuture<T> ticket;
        A runWith;
        synchronized (lock) {
            if (next == null) {
                next = new CompletableFuture<>();
            }
            ticket = next;
            nextArgument = argument;
            while (running && !ticket.isDone()) {
                lock.wait();
            }
            if (ticket.isDone()) {
                return result(ticket);
            }
            running = true;
            next = null;
            runWith = nextArgument;
        }
        try {
            T value = task.run(runWith);
            ticket.complete(value);
            return value;
        } catch (ReconcileException | RuntimeException | Error e) {
            // Completed whatever happens: a waiter on an unfinished ticket would otherwise take
            // it for the follow-up and run it beside the real one.
            ticket.completeExceptionally(e);
            throw e;
        } catch (InterruptedException e) {
            // Whoever merged into this run was not interrupted: they are told it did not finish.
            ticket.completeExceptionally(new ReconcileException("the pass was interrupted before it finished", e));
            throw e;
        } finally {
            release();
        }
    }

    /**
     * Runs {@code task} alone, after any run under way; never merged with another request.
     *
     * @throws ReconcileException as the task
     * @throws InterruptedException when interrupted while waiting or running
     */
    T exclusive(A argument, Task<A, T> task) throws ReconcileException, InterruptedException {
        synchronized (lock) {
            while (running) {
                lock.wait();
            }
            running = true;
        }
        try {
            return task.run(argument);
        } finally {
            release();
        }
    }

    private void release() {
        synchronized (lock) {
            running = false;
            lock.notifyAll();
        }
    }

    private static <T> T result(CompletableFuture<T> done) throws ReconcileException {
        try {
            return done.get();
        } catch (InterruptedException e) {
            throw new IllegalStateException("a completed future cannot block", e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case ReconcileException r -> throw new ReconcileException(r.kind(), r.getMessage(), r);
                case RuntimeException r -> throw r;
                case Error error -> throw error;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }
}
