package com.datasance.pot.nats.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.FreePorts;
import com.datasance.pot.nats.testkit.Monitoring;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The image run as users run it, with no mounts: the default config, the wrapper as PID 1 with
 * nats-server its child (uid 10000), a graceful {@code podman stop}, SIGKILL exit codes, and the
 * command line ({@code -DV}, {@code version}, {@code --help}).
 */
@Tag("container")
class ImageRunContainerTest {

    /** A container with no mounts and its monitoring port published on a free 127.0.0.1 port. */
    private static Container startDefault(String purpose, Monitoring monitoring) throws InterruptedException {
        Container container = Container.start(
                Container.uniqueName(purpose), List.of("-p", "127.0.0.1:" + monitoring.port() + ":8222"), List.of());
        try {
            monitoring.awaitHealthy(Container.READY);
            container.awaitLog(Container.SIGNALS_READY);
        } catch (AssertionError | RuntimeException e) {
            String logs = container.logs();
            container.close();
            throw new AssertionError(e.getMessage() + "; podman logs:\n" + logs, e);
        }
        return container;
    }

    @Test
    void shouldRunTheDefaultConfigWithTheWrapperAsPidOneAndNatsServerItsChild() throws Exception {
        Monitoring monitoring = new Monitoring(FreePorts.next());
        try (Container container = startDefault("default", monitoring)) {
            assertTrue(
                    monitoring
                            .varz()
                            .path("jetstream")
                            .path("config")
                            .path("store_dir")
                            .asText()
                            .startsWith("/home/runner/data"),
                    () -> "JetStream in the image's store: " + monitoring.varz().path("jetstream"));
            List<Container.Proc> processes = container.processes();
            Container.Proc wrapper = processes.stream()
                    .filter(p -> p.pid() == 1)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no PID 1 in " + processes));
            assertTrue(
                    wrapper.args().contains("java") && wrapper.args().contains("pot-nats.jar"),
                    () -> "PID 1 is the wrapper's JVM (the entrypoint exec'd it): " + wrapper);
            Container.Proc server = container.natsServer();
            assertEquals(1, server.ppid(), () -> "nats-server is the wrapper's child: " + processes);
            for (Container.Proc p : List.of(wrapper, server)) {
                assertEquals("runner", p.user(), () -> "runs as the image's user: " + p);
                assertEquals("10000", p.hostUser(), () -> "uid 10000: " + p);
            }
        }
    }

    @Test
    void shouldStopGracefullyOnPodmanStop() throws Exception {
        Monitoring monitoring = new Monitoring(FreePorts.next());
        try (Container container = startDefault("stop", monitoring)) {
            long started = System.nanoTime();
            Podman.ok("stop", "-t", "30", container.name());
            long millis = (System.nanoTime() - started) / 1_000_000;
            String logs = container.logs();
            // Exit 0 means the wrapper got SIGTERM as PID 1 and nats-server stopped gracefully:
            // had podman run out of its 30 s, it would have sent SIGKILL (exit 137).
            assertEquals(
                    "0",
                    container.inspect("{{.State.ExitCode}}"),
                    () -> "exit code after podman stop -t 30 (took " + millis + " ms); logs:\n" + logs);
            assertTrue(
                    logs.contains("Server Exiting") || logs.contains("Exiting"), () -> "nats-server stopped:\n" + logs);
        }
    }

    @Test
    void shouldExit137WhenNatsServerIsKilledInside() throws Exception {
        Monitoring monitoring = new Monitoring(FreePorts.next());
        try (Container container = startDefault("killserver", monitoring)) {
            Container.Proc server = container.natsServer();
            // ubi-micro has no kill binary; bash's builtin sends the signal.
            Commands.Result kill = container.exec("bash", "-c", "kill -KILL " + server.pid());
            assertEquals(0, kill.exitCode(), () -> "kill -KILL inside: " + kill.output());
            assertEquals(137, container.awaitExit(), () -> "the wrapper exits 128+9; logs:\n" + container.logs());
        }
    }

    @Test
    void shouldExit137OnPodmanKill() throws Exception {
        Monitoring monitoring = new Monitoring(FreePorts.next());
        try (Container container = startDefault("kill", monitoring)) {
            Podman.ok("kill", "-s", "KILL", container.name());
            assertEquals(137, container.awaitExit(), () -> "SIGKILL of PID 1; logs:\n" + container.logs());
        }
    }

    @Test
    void shouldPassDashArgumentsToNatsServer() throws Exception {
        Monitoring monitoring = new Monitoring(FreePorts.next());
        try (Container container = Container.start(
                Container.uniqueName("dv"),
                List.of("-p", "127.0.0.1:" + monitoring.port() + ":8222"),
                List.of("-DV"))) {
            monitoring.awaitHealthy(Container.READY);
            Pattern debugLine = Pattern.compile("(?m)^\\[\\d+\\] \\S+ \\S+ \\[DBG\\] ");
            container.awaitLog("[DBG]");
            String logs = container.logs();
            assertTrue(debugLine.matcher(logs).find(), () -> "nats-server's own [DBG] lines (-D reached it):\n" + logs);
            Container.Proc server = container.natsServer();
            assertTrue(server.args().endsWith("-DV"), () -> "-DV on nats-server's command line: " + server);
        }
    }

    @Test
    void shouldPrintBothVersions() {
        Commands.Result result = Podman.run("run", "--rm", "--label", Podman.LABEL, Podman.image(), "version");
        assertEquals(0, result.exitCode(), result::output);
        assertTrue(result.output().contains("pot-nats"), () -> "the wrapper's version:\n" + result.output());
        assertTrue(
                Pattern.compile("nats-server: v\\d+\\.\\d+\\.\\d+")
                        .matcher(result.output())
                        .find(),
                () -> "nats-server's version:\n" + result.output());
    }

    @Test
    void shouldPrintUsageForHelp() {
        Commands.Result result = Podman.run("run", "--rm", "--label", Podman.LABEL, Podman.image(), "--help");
        assertEquals(0, result.exitCode(), result::output);
        assertTrue(result.output().contains("pot-nats [run] [ARGS...]"), () -> "usage:\n" + result.output());
        assertTrue(result.output().contains("reconcile"), () -> "usage lists the commands:\n" + result.output());
    }
}
