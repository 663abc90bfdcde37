package com.datasance.pot.nats.docker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One container of the image under test, started detached with a unique name and removed (with
 * {@code podman rm -f}) by {@link #close()}, so a try-with-resources removes it on every path,
 * a failed assertion included.
 */
final class Container implements AutoCloseable {

    static final Duration READY = Duration.ofSeconds(60);

    /** What pot-nats logs once its signal handlers are in place (see RunningWrapper). */
    static final String SIGNALS_READY = RunningWrapper.SIGNALS_READY;

    /**
     * What pot-nats logs once its watches are in place (pot-nats-launcher ReloadService). A change
     * made before it, between nats-server's start and the watcher's first digest, is not seen.
     */
    static final Pattern WATCHING = Pattern.compile("\\[INF\\] watching \\d+ paths for changes");

    private static final SecureRandom RANDOM = new SecureRandom();

    /** One process as {@code podman top} reports it (pid namespace of the container). */
    record Proc(long pid, long ppid, String user, String hostUser, String args) {}

    private final String name;

    private Container(String name) {
        this.name = name;
    }

    /** A name no other test run uses: {@code pot-nats-test-PURPOSE-RANDOM}. */
    static String uniqueName(String purpose) {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return "pot-nats-test-" + purpose + "-" + HexFormat.of().formatHex(bytes);
    }

    /** {@code podman run -d --name NAME OPTIONS IMAGE ARGS}. */
    static Container start(String name, List<String> options, List<String> args) {
        List<String> command = new ArrayList<>(List.of("run", "-d", "--name", name, "--label", Podman.LABEL));
        command.addAll(options);
        command.add(Podman.image());
        command.addAll(args);
        Container container = new Container(name);
        Commands.Result result = Podman.run(command);
        if (result.exitCode() != 0) {
            container.close();
            throw new AssertionError("podman " + String.join(" ", command) + " failed:\n" + result.output());
        }
        return container;
    }

    String name() {
        return name;
    }

    String logs() {
        return Podman.run("logs", name).output();
    }

    /** Waits until the container's log holds {@code text}; fails with the log. */
    void awaitLog(String text) {
        awaitLog(Pattern.compile(Pattern.quote(text)), READY);
    }

    /** Waits until a line of the container's log matches {@code pattern}; fails with the log. */
    void awaitLog(Pattern pattern, Duration timeout) {
        try {
            await("'" + pattern + "' in the log of " + name)
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> pattern.matcher(logs()).find());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; podman logs:\n" + logs(), e);
        }
    }

    /** The container's processes: pid, ppid, user (inside), user (host), command line. */
    List<Proc> processes() {
        String out = Podman.ok("top", name, "pid", "ppid", "user", "huser", "args");
        List<Proc> processes = new ArrayList<>();
        for (String line : out.lines().skip(1).toList()) {
            String[] f = line.strip().split("\\s+", 5);
            if (f.length == 5 && f[0].matches("\\d+")) {
                processes.add(new Proc(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2], f[3], f[4]));
            }
        }
        return processes;
    }

    /** The one nats-server process in the container. */
    Proc natsServer() {
        List<Proc> servers = processes().stream()
                .filter(p -> p.args().contains("nats-server"))
                .toList();
        assertEquals(1, servers.size(), () -> "one nats-server in " + name + ", found " + servers);
        return servers.getFirst();
    }

    Commands.Result exec(String... command) {
        List<String> args = new ArrayList<>(List.of("exec", name));
        args.addAll(List.of(command));
        return Podman.run(args);
    }

    /** Waits for the container to exit ({@code podman wait}) and returns its exit code. */
    int awaitExit() {
        List<String> lines = Podman.ok("wait", name).strip().lines().toList();
        return Integer.parseInt(lines.getLast().strip());
    }

    /** {@code podman inspect} of one Go template field, e.g. {@code {{.State.Running}}}. */
    String inspect(String template) {
        return Podman.ok("inspect", "--format", template, name).strip();
    }

    @Override
    public void close() {
        // -t 0: a test that failed midway leaves no container behind and waits for nothing.
        Podman.run("rm", "-f", "-t", "0", name);
    }
}
