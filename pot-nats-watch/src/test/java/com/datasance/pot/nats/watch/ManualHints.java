package com.datasance.pot.nats.watch;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A hint source that says nothing unless the test tells it to: overflow and safety-net tests. */
class ManualHints implements HintSource {

    private final LinkedBlockingQueue<Hint> hints = new LinkedBlockingQueue<>();
    volatile Set<Path> watched = Set.of();

    @Override
    public void watch(Set<Path> directories) throws InotifyLimitException {
        watched = Set.copyOf(directories);
    }

    @Override
    public Hint await(long timeoutNanos) throws InterruptedException {
        Hint hint = timeoutNanos < 0 ? hints.take() : hints.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        return hint == null ? Hint.NONE : hint;
    }

    void overflow() {
        hints.add(Hint.OVERFLOW);
    }

    @Override
    public String describe() {
        return "manual";
    }

    @Override
    public void close() {}
}
