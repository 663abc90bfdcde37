package com.datasance.pot.nats.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.function.IntSupplier;

/** Free TCP ports on 127.0.0.1, as the kernel hands them out; never the NATS defaults. */
public final class FreePorts {

    /** Client, monitoring, cluster and leafnode defaults: a test must never take a real server's port. */
    static final Set<Integer> NATS_DEFAULTS = Set.of(4222, 8222, 6222, 7422);

    private FreePorts() {}

    /**
     * A port that was free a moment ago. The kernel hands out ephemeral ports in sequence, so a
     * port just released is unlikely to be handed to someone else before the test binds it.
     *
     * @return a free port on 127.0.0.1, never one of nats-server's defaults (4222, 6222, 8222, ...)
     */
    public static int next() {
        return next(FreePorts::kernelPort);
    }

    /** The first of {@code candidates} that is not a NATS default (a seam: tests hand out the defaults). */
    static int next(IntSupplier candidates) {
        while (true) {
            int port = candidates.getAsInt();
            if (!NATS_DEFAULTS.contains(port)) {
                return port;
            }
        }
    }

    private static int kernelPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }
}
