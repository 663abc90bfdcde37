package com.datasance.pot.nats.bench.reload;

import com.datasance.pot.nats.testkit.KubeletAtomicWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark, not a test (bench/reload/run.sh runs it). For each write of a new {@code max_payload}
 * to server.conf: the time from just before the write until {@code /varz} shows the new value
 * (the reload applied), minus the quiet period. Three series: the wrapper with an in-place write,
 * the wrapper with a kubelet {@code ..data} swap, and a bare nats-server sent {@code kill -HUP}
 * right after the write (the floor). Then the wrapper's CPU over an idle window with every
 * watched path present.
 *
 * <p>Arguments: {@code nats-server-binary "java ... -jar pot-nats.jar" changes quietMillis idleSeconds}.
 */
public final class ReloadBench {

    private static final Pattern MAX_PAYLOAD = Pattern.compile("\"max_payload\"\\s*:\\s*(\\d+)");

    private ReloadBench() {}

    public static void main(String[] args) throws Exception {
        String bin = args[0];
        List<String> wrapper = List.of(args[1].split(" "));
        int changes = Integer.parseInt(args[2]);
        int quietMillis = Integer.parseInt(args[3]);
        int idleSeconds = Integer.parseInt(args[4]);
        Path work = Files.createTempDirectory("pot-nats-reload-bench");
        System.out.printf(
                "bench/reload: %d changes per series, quiet period %d ms, %d cores, java %s%n",
                changes, quietMillis, Runtime.getRuntime().availableProcessors(), Runtime.version());

        // Floor: bare nats-server, write then kill -HUP.
        Path bareDir = Files.createDirectories(work.resolve("bare"));
        Path bareConf = bareDir.resolve("server.conf");
        Files.writeString(bareConf, "max_payload: 1000\n");
        int bareMonitor = freePort();
        Process bare = new ProcessBuilder(
                        bin, "-c", bareConf.toString(), "-a", "127.0.0.1", "-p", Integer.toString(freePort()), "-m",
                        Integer.toString(bareMonitor))
                .directory(bareDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(bareDir.resolve("log").toFile())
                .start();
        awaitPayload(bareMonitor, 1000);
        long[] floor = new long[changes];
        for (int i = 0; i < changes; i++) {
            int value = 2000 + i;
            long t0 = System.nanoTime();
            Files.writeString(bareConf, "max_payload: " + value + "\n");
            new ProcessBuilder("kill", "-HUP", Long.toString(bare.pid())).start().waitFor();
            awaitPayload(bareMonitor, value);
            floor[i] = System.nanoTime() - t0;
        }
        bare.destroy();
        bare.waitFor(10, TimeUnit.SECONDS);

        // The wrapper, every watched path present; server.conf in a kubelet-style ConfigMap.
        Path root = Files.createDirectories(work.resolve("wrapped"));
        KubeletAtomicWriter configMap = KubeletAtomicWriter.into(root.resolve("config"));
        configMap.writeText(Map.of("server.conf", "max_payload: 1000\n", "accounts.conf", "accounts {}\n"));
        KubeletAtomicWriter secret = KubeletAtomicWriter.into(root.resolve("certs"));
        secret.writeText(Map.of("tls.crt", "cert\n", "tls.key", "key\n", "ca/ca.crt", "ca\n"));
        Files.createDirectories(root.resolve("jwt"));
        for (int i = 0; i < 100; i++) {
            Files.writeString(root.resolve("jwt/A" + i + ".jwt"), "eyJ0eXAiOiJKV1QifQ." + i + "\n");
        }
        Files.createDirectories(root.resolve("creds"));
        Files.writeString(root.resolve("creds/sys.creds"), "creds\n");
        Path plainConf = root.resolve("plain.conf");
        Files.writeString(plainConf, "max_payload: 1000\n");

        long[] inPlace = wrapperSeries(wrapper, root, plainConf, changes, quietMillis, conf -> value -> {
            Files.writeString(conf, "max_payload: " + value + "\n");
        });
        long[] swap = wrapperSeries(
                wrapper, root, root.resolve("config/server.conf"), changes, quietMillis, conf -> value -> {
                    configMap.writeText(
                            Map.of("server.conf", "max_payload: " + value + "\n", "accounts.conf", "accounts {}\n"));
                });
        List<String> bursts = bursts(wrapper, root, plainConf, quietMillis);
        long idleNanos = idleSeconds > 0 ? idleCpu(wrapper, root, root.resolve("config/server.conf"), idleSeconds) : 0;

        System.out.println();
        System.out.println("| series, write to applied (/varz), end to end (ms) | p50 | p95 | p99 | max |");
        System.out.println("|---|---|---|---|---|");
        row("bare nats-server, write + kill -HUP (floor, no quiet period)", floor, 0);
        row("wrapper, in-place write (quiet period " + quietMillis + " ms)", inPlace, 0);
        row("wrapper, kubelet ..data swap (quiet period " + quietMillis + " ms)", swap, 0);
        System.out.println();
        System.out.println("| burst of " + BURST_WRITES + " writes, every " + BURST_GAP_MILLIS
                + " ms, each in two halves | reloads applied | reloads failed (nats-server) | checks that refused a half |");
        System.out.println("|---|---|---|---|");
        bursts.forEach(System.out::println);
        System.out.printf(
                "%nwrapper CPU over %d s idle, every watcher active: %.1f ms%n", idleSeconds, idleNanos / 1e6);
    }

    private static final int BURSTS = 5;
    private static final int BURST_WRITES = 100;
    private static final int BURST_GAP_MILLIS = 10;

    /**
     * Bursts of {@value #BURST_WRITES} in-place writes, {@value #BURST_GAP_MILLIS} ms apart, each
     * written in two halves (truncate, first half, 1 ms, the rest) the way a non-atomic writer
     * leaves a half-written file for a moment; the first half alone is an invalid config
     * (an unclosed block). Counted from the wrapper's and nats-server's shared log: reloads applied,
     * reloads nats-server refused (a half-written file signalled would be one), and checks that
     * refused a half before any signal.
     */
    private static List<String> bursts(List<String> wrapper, Path root, Path conf, int quietMillis) throws Exception {
        int monitor = freePort();
        Files.writeString(conf, "max_payload: 1000\n");
        Process process = startWrapper(wrapper, root, conf, monitor, quietMillis);
        List<String> rows = new ArrayList<>();
        try {
            awaitPayload(monitor, 1000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(lastLog).contains("watching ")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the wrapper never logged its watcher:\n" + Files.readString(lastLog));
                }
                Thread.sleep(10);
            }
            for (int b = 0; b < BURSTS; b++) {
                int logStart = Files.readString(lastLog).length();
                int last = 0;
                long next = System.nanoTime();
                for (int i = 0; i < BURST_WRITES; i++) {
                    last = 20_000 + b * 1000 + i;
                    String whole = "max_payload: " + last + "\nauthorization {\n  user: a\n  password: b\n}\n";
                    int cut = whole.indexOf("  password");
                    try (var channel = java.nio.channels.FileChannel.open(
                            conf, java.nio.file.StandardOpenOption.WRITE,
                            java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                        channel.write(java.nio.ByteBuffer.wrap(whole.substring(0, cut).getBytes(StandardCharsets.UTF_8)));
                        Thread.sleep(1);
                        channel.write(java.nio.ByteBuffer.wrap(whole.substring(cut).getBytes(StandardCharsets.UTF_8)));
                    }
                    next += TimeUnit.MILLISECONDS.toNanos(BURST_GAP_MILLIS);
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                awaitPayload(monitor, last);
                Thread.sleep(Math.max(1000, 4L * quietMillis)); // anything late shows up in the log
                String log = Files.readString(lastLog).substring(logStart);
                rows.add("| burst " + (b + 1) + " | " + count(log, "reloaded nats-server") + " | "
                        + count(log, "Failed to reload") + " | " + count(log, "nats-server rejects the config")
                        + " |");
            }
            return rows;
        } finally {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    @FunctionalInterface
    private interface Writer {
        void write(int value) throws IOException;
    }

    @FunctionalInterface
    private interface WriterFactory {
        Writer forConf(Path conf);
    }

    private static Path lastLog;

    private static Process startWrapper(List<String> wrapper, Path root, Path conf, int monitor, int quietMillis)
            throws IOException {
        lastLog = root.resolve("wrapper-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of("-a", "127.0.0.1", "-p", Integer.toString(freePort())));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(lastLog.toFile());
        Map<String, String> env = builder.environment();
        env.put("NATS_CONF", conf.toString());
        env.put("NATS_ACCOUNTS", root.resolve("config/accounts.conf").toString());
        env.put("NATS_SSL_DIR", root.resolve("certs").toString());
        env.put("NATS_JWT_DIR", root.resolve("jwt").toString());
        env.put("NATS_CREDS_DIR", root.resolve("creds").toString());
        env.put("NATS_MONITOR_PORT", Integer.toString(monitor));
        env.put("NATS_RELOAD_DEBOUNCE", quietMillis + "ms");
        return builder.start();
    }

    private static long[] wrapperSeries(
            List<String> wrapper, Path root, Path conf, int changes, int quietMillis, WriterFactory factory)
            throws Exception {
        int monitor = freePort();
        Process process = startWrapper(wrapper, root, conf, monitor, quietMillis);
        try {
            awaitPayload(monitor, 1000);
            // The watcher takes its baseline after nats-server started; it logs when it is in place.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(lastLog).contains("watching ")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the wrapper never logged its watcher:\n" + Files.readString(lastLog));
                }
                Thread.sleep(10);
            }
            Writer writer = factory.forConf(conf);
            long[] nanos = new long[changes];
            for (int i = 0; i < changes; i++) {
                int value = 10_000 + i;
                long t0 = System.nanoTime();
                writer.write(value);
                awaitPayload(monitor, value);
                nanos[i] = System.nanoTime() - t0;
            }
            writer.write(1000);
            awaitPayload(monitor, 1000);
            return nanos;
        } finally {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static long idleCpu(List<String> wrapper, Path root, Path conf, int seconds) throws Exception {
        int monitor = freePort();
        Process process = startWrapper(wrapper, root, conf, monitor, 500);
        try {
            awaitPayload(monitor, 1000);
            Thread.sleep(10_000);
            long before = cpuNanos(process.pid());
            Thread.sleep(seconds * 1000L);
            return cpuNanos(process.pid()) - before;
        } finally {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** On-CPU time of every thread of {@code pid}, from /proc/PID/task/TID/schedstat. */
    private static long cpuNanos(long pid) throws IOException {
        long total = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    total += Long.parseLong(
                            Files.readString(task.resolve("schedstat")).split(" ")[0]);
                } catch (IOException gone) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return total;
    }

    private static void awaitPayload(int monitor, int value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (maxPayload(monitor) == value) {
                return;
            }
            Thread.sleep(0, 500_000);
        }
        throw new IllegalStateException("max_payload never became " + value + " on monitor port " + monitor);
    }

    private static int maxPayload(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /varz HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            Matcher matcher = MAX_PAYLOAD.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void row(String name, long[] nanos, int quietMillis) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(
                "| %s | %.1f | %.1f | %.1f | %.1f |%n",
                name,
                beyond(sorted, 0.50, quietMillis),
                beyond(sorted, 0.95, quietMillis),
                beyond(sorted, 0.99, quietMillis),
                beyond(sorted, 1.0, quietMillis));
    }

    private static double beyond(long[] sorted, double quantile, int quietMillis) {
        int index = Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6 - quietMillis;
    }
}
