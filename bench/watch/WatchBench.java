package com.datasance.pot.nats.bench.watch;

import com.datasance.pot.nats.testkit.KubeletAtomicWriter;
import com.datasance.pot.nats.watch.ChangeSet;
import com.datasance.pot.nats.watch.ContentWatcher;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.commons.io.file.PathUtils;

/**
 * Benchmark, not a test (bench/watch/run.sh runs it): latency from a write to the listener call
 * beyond the quiet period, and the watcher's CPU while idle. The watched set mirrors the image's
 * mounts: a ConfigMap with server.conf and accounts.conf, a Secret with TLS files (one nested),
 * 100 account JWTs and two creds files.
 *
 * <p>Arguments: {@code latency [changes] [quietMillis]} or {@code idle [seconds] [windows]}.
 */
public final class WatchBench {

    private WatchBench() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "latency";
        Path root = Files.createTempDirectory("pot-nats-watch-bench");
        try {
            switch (mode) {
                case "latency" ->
                    latency(
                            root,
                            args.length > 1 ? Integer.parseInt(args[1]) : 100,
                            Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 500));
                case "idle" ->
                    idle(
                            root,
                            args.length > 1 ? Integer.parseInt(args[1]) : 60,
                            args.length > 2 ? Integer.parseInt(args[2]) : 2);
                default -> throw new IllegalArgumentException("mode must be 'latency' or 'idle', found '" + mode + "'");
            }
        } finally {
            PathUtils.deleteDirectory(root);
        }
    }

    /** The mounted inputs of a realistic deployment; returns the ConfigMap and Secret writers. */
    private static KubeletAtomicWriter[] mount(Path root) throws IOException {
        KubeletAtomicWriter config = KubeletAtomicWriter.into(root.resolve("config"));
        config.writeText(Map.of("server.conf", "port: 4222\nmax_payload: 1000\n", "accounts.conf", "accounts {}\n"));
        KubeletAtomicWriter certs = KubeletAtomicWriter.into(root.resolve("certs"));
        certs.writeText(
                Map.of("tls.crt", "c".repeat(1800), "tls.key", "k".repeat(1700), "ca/ca.crt", "a".repeat(1200)));
        Files.createDirectories(root.resolve("jwt"));
        for (int i = 0; i < 100; i++) {
            Files.writeString(root.resolve("jwt").resolve(String.format("A%055d.jwt", i)), "e".repeat(600));
        }
        Files.createDirectories(root.resolve("creds"));
        Files.writeString(root.resolve("creds/sys.creds"), "s".repeat(900));
        Files.writeString(root.resolve("creds/user.creds"), "u".repeat(900));
        Files.writeString(root.resolve("plain.conf"), "v0\n");
        return new KubeletAtomicWriter[] {config, certs};
    }

    /** The bench's own keys, the launcher's mounts (its ChangeCause is package-private there). */
    private enum Mount {
        CONFIG,
        ACCOUNTS,
        SSL,
        JWT,
        CREDS
    }

    private static ContentWatcher.Builder<Mount> watching(Path root) {
        return ContentWatcher.<Mount>builder()
                .watch(root.resolve("config/server.conf"), Mount.CONFIG)
                .watch(root.resolve("plain.conf"), Mount.CONFIG)
                .watch(root.resolve("config/accounts.conf"), Mount.ACCOUNTS)
                .watch(root.resolve("certs"), Mount.SSL)
                .watch(root.resolve("jwt"), Mount.JWT)
                .watch(root.resolve("creds"), Mount.CREDS);
    }

    private static void latency(Path root, int changes, Duration quiet) throws Exception {
        KubeletAtomicWriter[] writers = mount(root);
        LinkedBlockingQueue<Long> calls = new LinkedBlockingQueue<>();
        try (ContentWatcher<Mount> watcher = watching(root)
                .quietPeriod(quiet)
                .safetyNetInterval(Duration.ZERO)
                .listener((ChangeSet<Mount> c) -> calls.add(System.nanoTime()))
                .build()) {
            watcher.start();
            // Warm-up: let the JIT see the digest path before measuring.
            for (int i = 0; i < 10; i++) {
                Files.writeString(root.resolve("plain.conf"), "warm" + i);
                take(calls);
            }
            long[] inPlace = new long[changes];
            for (int i = 0; i < changes; i++) {
                long start = System.nanoTime();
                Files.writeString(root.resolve("plain.conf"), "in-place " + i + "\n");
                inPlace[i] = take(calls) - start - quiet.toNanos();
            }
            long[] swap = new long[changes];
            for (int i = 0; i < changes; i++) {
                long start = System.nanoTime();
                writers[0].writeText(Map.of(
                        "server.conf",
                        "port: 4222\nmax_payload: " + (2000 + i) + "\n",
                        "accounts.conf",
                        "accounts {}\n"));
                swap[i] = take(calls) - start - quiet.toNanos();
            }
            System.out.printf(
                    "quiet period %d ms, %d changes each, watched: 110 files in 6 paths, %s%n",
                    quiet.toMillis(), changes, watcher.polling() ? "polling" : "inotify");
            report("in-place write", inPlace);
            report("kubelet swap", swap);
        }
        // The floor on this machine: how late a thread wakes from a timed park of the same length,
        // which every quiet-period timer pays too (scheduling delay, timer slack).
        long[] floor = new long[changes];
        for (int i = 0; i < changes; i++) {
            long start = System.nanoTime();
            LockSupport.parkNanos(quiet.toNanos());
            floor[i] = System.nanoTime() - start - quiet.toNanos();
        }
        report("timer floor", floor);
    }

    private static long take(LinkedBlockingQueue<Long> calls) throws InterruptedException {
        Long at = calls.poll(30, TimeUnit.SECONDS);
        if (at == null) {
            throw new IllegalStateException("no change reported within 30 s");
        }
        return at;
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(
                "%-15s beyond quiet period: p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms%n",
                what, ms(pct(sorted, 50)), ms(pct(sorted, 95)), ms(pct(sorted, 99)), ms(sorted[sorted.length - 1]));
    }

    private static long pct(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static void idle(Path root, int seconds, int windows) throws Exception {
        mount(root);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (ContentWatcher<Mount> watcher = watching(root).listener(c -> {}).build()) {
            watcher.start();
            // Let start-up work (class loading, JIT of the first digest) settle before measuring.
            Thread.sleep(1000);
            System.out.printf("idle, %s, safety net 30 s, quiet 500 ms, 110 watched files%n",
                    watcher.polling() ? "polling" : "inotify");
            for (int window = 1; window <= windows; window++) {
                Map<Long, String> names = new HashMap<>();
                Map<Long, Long> before = cpuByThread(threads, names);
                long processBefore = os.getProcessCpuTime();
                Thread.sleep(seconds * 1000L);
                long processAfter = os.getProcessCpuTime();
                Map<Long, Long> after = cpuByThread(threads, names);
                Map<String, Long> deltas = new TreeMap<>();
                long watchThreads = 0;
                for (Map.Entry<Long, Long> e : after.entrySet()) {
                    long delta = e.getValue() - before.getOrDefault(e.getKey(), 0L);
                    String name = names.get(e.getKey());
                    deltas.merge(name, delta, Long::sum);
                    if (name.startsWith("pot-nats-watch") || name.startsWith("FileSystemWatch")) {
                        watchThreads += delta;
                    }
                }
                System.out.printf("window %d (%d s): watcher threads CPU %.2f ms; whole JVM CPU %.2f ms%n",
                        window, seconds, ms(watchThreads), ms(processAfter - processBefore));
                deltas.entrySet().stream()
                        .filter(e -> e.getValue() > 100_000)
                        .forEach(e -> System.out.printf("  %-32s %.2f ms%n", e.getKey(), ms(e.getValue())));
            }
        }
    }

    private static Map<Long, Long> cpuByThread(ThreadMXBean threads, Map<Long, String> names) {
        Map<Long, Long> cpu = new LinkedHashMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            long time = threads.getThreadCpuTime(thread.threadId());
            if (time >= 0) {
                cpu.put(thread.threadId(), time);
                names.put(thread.threadId(), thread.getName());
            }
        }
        return cpu;
    }
}
