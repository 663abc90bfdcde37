package com.datasance.pot.nats.bench.jwtscale;

import com.datasance.pot.nats.testkit.NatsJwt;
import com.datasance.pot.nats.testkit.OperatorFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark, not a test (bench/jwt-scale/run.sh runs it). An operator tree with ACCOUNTS accounts
 * plus the system account in a full resolver; the wrapper supervises nats-server with the system
 * creds. For each of CHANGES reissued account JWTs: the time from the write until the wrapper logs
 * the claims push that followed it, and the push alone (from the end of the purge pass to the end
 * of the push, by the log's timestamps). Then the wrapper's RSS and its CPU over an idle window.
 */
public final class JwtScaleBench {

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSSSSS");
    private static final Pattern STAMP = Pattern.compile("\\[pot-nats\\] (\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6})");

    private JwtScaleBench() {}

    public static void main(String[] args) throws Exception {
        String bin = args[0];
        List<String> wrapper = List.of(args[1].split(" "));
        int accounts = Integer.parseInt(args[2]);
        int changes = Integer.parseInt(args[3]);
        int idleSeconds = Integer.parseInt(args[4]);
        Path work = Files.createTempDirectory("pot-nats-jwt-scale");
        OperatorFixture operator = OperatorFixture.create(work.resolve("op"));
        List<OperatorFixture.Account> all = new ArrayList<>();
        long t = System.nanoTime();
        for (int i = 0; i < accounts; i++) {
            all.add(operator.addAccount("A" + i));
        }
        System.out.printf(
                "bench/jwt-scale: %d account JWTs + the system account's (made in %.1f s), %d changes, %d cores, java %s%n",
                accounts, (System.nanoTime() - t) / 1e9, changes, Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        int port = freePort();
        int monitor = freePort();
        Path conf = operator.writeServerConfig("host: 127.0.0.1\nport: " + port + "\n");
        Path log = work.resolve("wrapper.log");
        ProcessBuilder builder = new ProcessBuilder(wrapper).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("NATS_SERVER_BIN", bin);
        env.put("NATS_CONF", conf.toString());
        env.put("NATS_ACCOUNTS", work.resolve("none/accounts.conf").toString());
        env.put("NATS_SSL_DIR", work.resolve("none/certs").toString());
        env.put("NATS_JWT_DIR", operator.resolverDir().toString());
        env.put("NATS_CREDS_DIR", operator.credsDir().toString());
        env.put("NATS_SYS_USER_CRED_PATH", operator.system().credsFile().toString());
        env.put("NATS_CLIENT_URL", "nats://127.0.0.1:" + port);
        env.put("NATS_MONITOR_PORT", Integer.toString(monitor));
        env.put("NATS_PURGE_GRACE", "0");
        env.put("NATS_RELOAD_DEBOUNCE", "200ms");
        long start = System.nanoTime();
        Process process = builder.start();
        System.out.println("wrapper pid " + process.pid() + ", command " + wrapper);
        try {
            await(log, "JetStream purge pass:", 1, 300);
            await(log, "watching ", 1, 300);
            System.out.printf("start to first purge pass done: %.0f ms%n", (System.nanoTime() - start) / 1e6);
            System.out.printf("RSS after start: %.1f MiB%n", rssKib(process.pid()) / 1024.0);
            System.out.println();
            System.out.println("| change | JWT written to claims push done (ms) | claims push alone (ms) | JWTs pushed |");
            System.out.println("|---|---|---|---|");
            for (int i = 0; i < changes; i++) {
                int pushesBefore = count(log, "claims push: ");
                Map<String, Object> limits = NatsJwt.unlimitedAccountLimits();
                limits.put("streams", 10 + i);
                long t0 = System.nanoTime();
                operator.reissue(all.get(i), limits);
                String pushLine = await(log, "claims push: ", pushesBefore + 1, 600);
                long applied = System.nanoTime() - t0;
                String passLine = last(log, "JetStream purge pass:");
                long pushMillis = java.time.Duration.between(stamp(passLine), stamp(pushLine)).toMillis();
                Matcher pushed = Pattern.compile("(\\d+) account JWT\\(s\\) pushed").matcher(pushLine);
                System.out.printf(
                        "| %d | %.0f | %d | %s |%n",
                        i + 1, applied / 1e6, pushMillis, pushed.find() ? pushed.group(1) : "0 (" + pushLine.strip() + ")");
                Thread.sleep(1000); // let the server's own rewrite of the pushed file settle before the next change
            }
            System.out.printf("%nRSS after %d changes: %.1f MiB%n", changes, rssKib(process.pid()) / 1024.0);
            Thread.sleep(10_000);
            long before = cpuNanos(process.pid());
            Thread.sleep(idleSeconds * 1000L);
            long idle = cpuNanos(process.pid()) - before;
            System.out.printf("wrapper CPU over %d s idle (after the changes): %.1f ms%n", idleSeconds, idle / 1e6);
            System.out.printf("RSS at the end: %.1f MiB%n", rssKib(process.pid()) / 1024.0);
            if (Boolean.getBoolean("bench.diag") || "1".equals(System.getProperty("bench.diag"))) {
                diagnose(process.pid(), Path.of(System.getProperty("bench.out", ".")));
            }
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            System.out.println("log: " + log);
        }
    }

    /** jcmd and /proc views of the wrapper, after the measurements (attaching costs CPU). */
    private static void diagnose(long pid, Path out) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        for (String command : List.of("VM.native_memory summary", "GC.heap_info", "GC.class_histogram", "Thread.print")) {
            List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
            cmd.addAll(List.of(command.split(" ")));
            Path file = out.resolve("diag-" + command.split(" ")[0] + ".txt");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(file.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            System.out.println("diag: " + file);
        }
        Files.copy(Path.of("/proc", Long.toString(pid), "smaps_rollup"), out.resolve("diag-smaps_rollup.txt"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.println("diag: " + out.resolve("diag-smaps_rollup.txt"));
    }

    private static java.time.LocalDateTime stamp(String line) {
        Matcher m = STAMP.matcher(line);
        if (!m.find()) {
            throw new IllegalStateException("no timestamp in " + line);
        }
        return LocalDateTime.parse(m.group(1), LOG_TIME);
    }

    private static int count(Path log, String text) throws IOException {
        return (int) Files.readAllLines(log).stream().filter(l -> l.contains(text)).count();
    }

    private static String last(Path log, String text) throws IOException {
        List<String> lines = Files.readAllLines(log).stream().filter(l -> l.contains(text)).toList();
        return lines.isEmpty() ? "" : lines.getLast();
    }

    /** Polls the log until the {@code n}th line holding {@code text} appears; returns it. */
    private static String await(Path log, String text, int n, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            List<String> lines = Files.readAllLines(log).stream().filter(l -> l.contains(text)).toList();
            if (lines.size() >= n) {
                return lines.get(n - 1);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no line '" + text + "' #" + n + " within " + seconds + " s; log " + log);
            }
            Thread.sleep(5);
        }
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** On-CPU time of every thread of {@code pid}, from /proc/PID/task/TID/schedstat. */
    private static long cpuNanos(long pid) throws IOException {
        long total = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    total += Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
                } catch (IOException gone) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return total;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
