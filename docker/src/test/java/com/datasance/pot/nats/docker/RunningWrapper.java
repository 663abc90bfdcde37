package com.datasance.pot.nats.docker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.ChildProcess;
import com.datasance.pot.nats.testkit.Monitoring;
import com.datasance.pot.nats.testkit.WrapperEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * pot-nats supervising the real nats-server, started by a command (the linked java, or the
 * entrypoint script) in a temp tree that stands in for the image's mounts: a config on free
 * ports, a JetStream store, and the watched directories of the environment contract. The
 * testkit's {@link ChildProcess} runs it (output read off-thread, killed with its descendants on
 * close).
 */
final class RunningWrapper implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(60);

    /** What pot-nats logs once its signal handlers are installed (pot-nats-launcher Launcher). */
    static final String SIGNALS_READY = "started nats-server";

    private final ChildProcess process;
    private final Monitoring monitoring;

    private RunningWrapper(ChildProcess process, Monitoring monitoring) {
        this.process = process;
        this.monitoring = monitoring;
    }

    /** The environment the image gives pot-nats, with every path moved into {@code dir}. */
    static Map<String, String> contractEnvironment(Path dir, WrapperEnvironment ports) throws IOException {
        Path config = dir.resolve("config");
        Files.createDirectories(config);
        for (String sub : List.of("certs", "jwt", "creds", "data")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Files.writeString(
                config.resolve("server.conf"),
                """
                listen: 127.0.0.1:%d
                server_name: pot-nats-image-test
                jetstream {
                  store_dir: "%s"
                }
                """.formatted(ports.clientPort(), dir.resolve("data")),
                StandardCharsets.UTF_8);
        return ports.env(config.resolve("server.conf"))
                .mountsUnder(dir)
                .set("NATS_ACCOUNTS", config.resolve("accounts.conf").toString())
                .clientUrl(ports.clientUrl())
                .build();
    }

    /** Starts {@code command} with the contract environment under {@code dir}; waits for /healthz. */
    static RunningWrapper start(List<String> command, Path dir, Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        WrapperEnvironment ports = WrapperEnvironment.onFreePorts();
        Map<String, String> env = contractEnvironment(dir, ports);
        env.putAll(extraEnv);
        ChildProcess process =
                ChildProcess.builder(command).directory(dir).environment(env).start();
        RunningWrapper wrapper = new RunningWrapper(process, ports.monitoring());
        try {
            wrapper.monitoring.awaitHealthy(READY);
            // pot-nats starts nats-server first (time to ready) and installs its SIGTERM handler
            // right after; it logs this line once the handler is in place. A SIGTERM before it
            // gets the JVM's default action (exit 143) instead of a graceful stop.
            process.awaitOutput(SIGNALS_READY, READY);
        } catch (AssertionError notReady) {
            process.close();
            throw new AssertionError(notReady.getMessage() + "; " + command + " wrote:\n" + wrapper.output(), notReady);
        }
        return wrapper;
    }

    long pid() {
        return process.pid();
    }

    ProcessHandle handle() {
        return process.handle();
    }

    Monitoring monitoring() {
        return monitoring;
    }

    String output() {
        return process.output();
    }

    /** The nats-server process started by the wrapper (a direct child). */
    ProcessHandle natsServer() {
        List<ProcessHandle> servers = process.handle()
                .children()
                .filter(child -> child.info().command().orElse("").endsWith("nats-server"))
                .toList();
        assertEquals(1, servers.size(), () -> "expected one nats-server child of pid " + pid() + ", found " + servers);
        return servers.getFirst();
    }

    /**
     * Sends SIGTERM to the wrapper (what the container runtime does) and checks the contract:
     * the wrapper exits by itself with nats-server's status, and nats-server is gone.
     */
    void terminateAndCheck() throws InterruptedException {
        ProcessHandle server = natsServer();
        process.signal(ChildProcess.Signal.TERM);
        // Fails naming the command and quoting its output when pot-nats does not exit in time.
        // pot-nats exits with nats-server's status: 0 from v2.12.4, but Debian's v2.9.10 (the one
        // the tests run) exits 1 on SIGTERM. 128+15 would mean the JVM died of the signal instead of
        // stopping nats-server and returning its status.
        int status = process.awaitExit(STOP);
        assertTrue(
                status == 0 || status == 1,
                () -> "pot-nats exit status after SIGTERM is nats-server's (0, or 1 from nats-server v2.9.10),"
                        + " found " + status + "; output:\n" + output());
        await("nats-server (pid " + server.pid() + ") gone after the wrapper exited")
                .atMost(Duration.ofSeconds(10))
                .until(() -> !server.isAlive());
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
