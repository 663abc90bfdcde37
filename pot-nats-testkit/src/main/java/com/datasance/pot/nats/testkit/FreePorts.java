package com.datasance.pot.nats.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on 127.0.0.1, as the kernel hands them out; never the NATS defaults. */
public final class FreePorts {

    private FreePorts() {}

    /**
     * A port that was free a moment ago. The kernel hands out ephemeral ports in sequence, so a
     * port just released is unlikely to be handed to someone else before the test binds it.
     */
    public static int next() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
                int port = socket.getLocalPort();
                if (port != 4222 && port != 8222 && port != 6222 && port != 7422) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
            }
        }
    }
}
