package com.datasance.pot.nats.watch;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A listener that records every change with the content of one probe file as it was when the
 * listener ran, so tests can tell which content a callback carried.
 */
final class Recorder implements ChangeListener<Cause> {

    /** A callback and what the probe file held at that moment. */
    record Call(ChangeSet<Cause> changes, Optional<String> probe) {}

    private static final long DEADLINE_SECONDS = 15;

    private final LinkedBlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    private final Path probe;

    Recorder() {
        this(null);
    }

    Recorder(Path probe) {
        this.probe = probe;
    }

    @Override
    public void onChange(ChangeSet<Cause> changes) {
        calls.add(new Call(changes, read(probe)));
    }

    /** The next callback; fails when none arrives within the deadline. */
    Call next() throws InterruptedException {
        Call call = calls.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
        assertNotNull(call, "no change reported within " + DEADLINE_SECONDS + " s");
        return call;
    }

    /** Callbacks already received and not yet taken. */
    int waiting() {
        return calls.size();
    }

    private static Optional<String> read(Path file) {
        if (file == null || !Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> one(String name, String text) {
        return Map.of(name, text);
    }
}
