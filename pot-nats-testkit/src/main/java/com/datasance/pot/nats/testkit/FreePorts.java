package com.datasance.pot.nats.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;

/**
 * Free TCP ports on 127.0.0.1 that nobody else is handed while a test runs: never the NATS defaults.
 *
 * <p>A port the kernel picks for {@code bind(0)} comes from the ephemeral range, the same range it
 * draws the source port of every outgoing connection from: between the moment a test learns the
 * port and the moment nats-server binds it, any client connection (a NATS client, an HTTP probe)
 * may take it ("address already in use"). So ports are drawn at random from below the ephemeral
 * range, where the kernel never hands out anything by itself, checked bindable, and never handed
 * out twice by one JVM.
 */
public final class FreePorts {

    /** Client, monitoring, cluster and leafnode defaults: a test must never take a real server's port. */
    static final Set<Integer> NATS_DEFAULTS = Set.of(4222, 8222, 6222, 7422);

    /** Below this are well-known and registered services a developer machine may run. */
    static final int LOWEST = 10_000;

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Linux's default start of the ephemeral range, used where /proc does not say. */
    private static final int DEFAULT_EPHEMERAL_START = 32_768;

    private static final int ATTEMPTS = 1_000;

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {}

    /**
     * A port below the kernel's ephemeral range that is free now and was not handed out before by
     * this JVM.
     *
     * @return a free port on 127.0.0.1, never one of nats-server's defaults (4222, 6222, 8222, ...)
     * @throws IllegalStateException when no such port is found in 1,000 attempts
     */
    public static int next() {
        int end = ephemeralStart();
        return next(() -> ThreadLocalRandom.current().nextInt(LOWEST, end), FreePorts::bindable);
    }

    /**
     * The first of {@code candidates} that is not a NATS default, not handed out before and
     * {@code free} (seams: tests hand out the defaults and decide what is free).
     */
    static int next(IntSupplier candidates, IntPredicate free) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = candidates.getAsInt();
            if (!NATS_DEFAULTS.contains(port) && free.test(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port on 127.0.0.1 between " + LOWEST
                + " and the ephemeral range after " + ATTEMPTS + " attempts");
    }

    /** Where the kernel's ephemeral range starts; ports from here on may be taken at any moment. */
    static int ephemeralStart() {
        try {
            String[] range = Files.readString(EPHEMERAL_RANGE, StandardCharsets.US_ASCII)
                    .trim()
                    .split("\\s+", -1);
            int start = Integer.parseInt(range[0]);
            // A range starting too low leaves no room below it: fall back to the default start.
            return start > LOWEST + 1_000 ? start : DEFAULT_EPHEMERAL_START;
        } catch (IOException | RuntimeException notLinux) {
            return DEFAULT_EPHEMERAL_START;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
