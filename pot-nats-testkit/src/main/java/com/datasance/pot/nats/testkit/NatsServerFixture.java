package com.datasance.pot.nats.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real nats-server started from a config file, bound to 127.0.0.1 on free ports given on its
 * command line ({@code -a 127.0.0.1 -p PORT -m PORT}; flags override the config, so the case's
 * config keeps its meaning). The working directory is the config file's directory, as pot-nats
 * runs it, and the server's output goes to {@code nats-server.log} beside the config.
 *
 * <p>Not thread-safe; {@link #close()} stops the server and is idempotent.
 */
public final class NatsServerFixture implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

    private final Path binary;
    private final Path configFile;
    private final List<String> extraArgs;
    private final Map<String, String> environment;
    private final int clientPort;
    private final Monitoring monitoring;
    private final Path logFile;
    private Process process;

    private NatsServerFixture(Path configFile, List<String> extraArgs, Map<String, String> environment) {
        this.binary = NatsServerBinary.require();
        this.configFile = configFile.toAbsolutePath();
        this.extraArgs = List.copyOf(extraArgs);
        this.environment = Map.copyOf(environment);
        this.clientPort = FreePorts.next();
        this.monitoring = new Monitoring(FreePorts.next());
        this.logFile = this.configFile.resolveSibling("nats-server.log");
    }

    /** Writes {@code configText} to {@code dir/server.conf} and starts nats-server with it. */
    public static NatsServerFixture startWithConfig(Path dir, String configText) throws InterruptedException {
        Path config = dir.resolve("server.conf");
        try {
            Files.createDirectories(dir);
            Files.writeString(config, configText, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        return start(config, List.of(), Map.of());
    }

    /**
     * Starts nats-server with {@code configFile}, extra command-line arguments and extra
     * environment variables, and waits until {@code /healthz} answers.
     */
    public static NatsServerFixture start(Path configFile, List<String> extraArgs, Map<String, String> environment)
            throws InterruptedException {
        NatsServerFixture fixture = new NatsServerFixture(configFile, extraArgs, environment);
        fixture.startProcess();
        return fixture;
    }

    private void startProcess() throws InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "-c",
                configFile.toString(),
                "-a",
                "127.0.0.1",
                "-p",
                Integer.toString(clientPort),
                "-m",
                Integer.toString(monitoring.port())));
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(configFile.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        try {
            monitoring.awaitHealthy(READY_TIMEOUT);
        } catch (AssertionError notReady) {
            String log = log();
            close();
            throw new AssertionError(notReady.getMessage() + "; nats-server output:\n" + log);
        }
    }

    /** Stops the server gracefully and starts it again with the same config and ports. */
    public void restart() throws InterruptedException {
        stopProcess();
        startProcess();
    }

    public int clientPort() {
        return clientPort;
    }

    public String clientUrl() {
        return "nats://127.0.0.1:" + clientPort;
    }

    public Monitoring monitoring() {
        return monitoring;
    }

    public Path configFile() {
        return configFile;
    }

    public long pid() {
        return process.pid();
    }

    /** Everything nats-server has written so far. */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + logFile, e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopProcess();
    }

    private void stopProcess() throws InterruptedException {
        if (process == null) {
            return;
        }
        // SIGTERM (Process.destroy) makes nats-server shut down; SIGKILL if it hangs.
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        process = null;
    }
}
