package com.datasance.pot.nats.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads a child's output to its end on its own thread, keeping only the last {@link #TAIL_BYTES}:
 * memory stays bounded whatever the child prints, and the caller's deadline applies whether it
 * prints or not.
 */
final class OutputTail implements Runnable {

    /** How much output is kept: an error is the last line, the rest is noise. */
    static final int TAIL_BYTES = 16 * 1024;

    /** How long the output may still take to arrive after the child ended. */
    static final Duration DRAIN_GRACE = Duration.ofSeconds(1);

    private final InputStream in;
    private final byte[] ring = new byte[TAIL_BYTES];
    private long written;

    OutputTail(InputStream in) {
        this.in = in;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[4096];
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                append(buffer, n);
            }
        } catch (IOException closed) {
            // The child was killed or the stream closed: what arrived is what there is.
        }
    }

    private synchronized void append(byte[] buffer, int n) {
        for (int i = 0; i < n; i++) {
            ring[(int) (written++ % ring.length)] = buffer[i];
        }
    }

    /** What was kept so far, decoded as UTF-8. */
    synchronized String text() {
        int size = (int) Math.min(written, ring.length);
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = ring[(int) ((written - size + i) % ring.length)];
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
