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

    /**
     * Writes {@code configText} to {@code dir/server.conf} (creating {@code dir}) and starts
     * nats-server with it, as {@link #start(Path, List, Map)} with no extra arguments or variables.
     *
     * @param dir the directory for the config, the server's working directory and its log
     * @param configText the nats-server config, written as UTF-8
     * @return the running server, healthy on its monitoring port
     * @throws UncheckedIOException when the config cannot be written (names the file)
     * @throws AssertionError when nats-server is not installed ({@link NatsServerBinary#require()})
     *     or not healthy within 15 seconds; the message quotes its output
     * @throws InterruptedException when interrupted while waiting for the server
     */
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
     *
     * @param configFile the config file; its directory becomes the working directory and holds
     *     {@code nats-server.log}
     * @param extraArgs arguments appended after the listen flags (empty for none)
     * @param environment variables added to the inherited environment (empty for none)
     * @return the running server, healthy on its monitoring port
     * @throws UncheckedIOException when the binary cannot be started (names the command line)
     * @throws AssertionError when nats-server is not installed ({@link NatsServerBinary#require()})
     *     or not healthy within 15 seconds; the message quotes its output
     * @throws InterruptedException when interrupted while waiting for the server
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

    /**
     * Stops the server gracefully (SIGTERM, SIGKILL after 10 seconds) and starts it again with the
     * same config, arguments and ports; its output is appended to the same log.
     *
     * @throws AssertionError when the server is not healthy again within 15 seconds
     * @throws InterruptedException when interrupted while stopping or waiting
     */
    public void restart() throws InterruptedException {
        stopProcess();
        startProcess();
    }

    /**
     * The client port on 127.0.0.1, fixed for the fixture's life (kept across {@link #restart()}).
     *
     * @return the client port
     */
    public int clientPort() {
        return clientPort;
    }

    /**
     * The URL a client connects to.
     *
     * @return {@code nats://127.0.0.1:<client port>}
     */
    public String clientUrl() {
        return "nats://127.0.0.1:" + clientPort;
    }

    /**
     * The server's monitoring endpoint, on its own free port.
     *
     * @return the monitoring client for this server
     */
    public Monitoring monitoring() {
        return monitoring;
    }

    /**
     * The config file the server was started with.
     *
     * @return its absolute path
     */
    public Path configFile() {
        return configFile;
    }

    /**
     * The process id of the running server; it changes on {@link #restart()}.
     *
     * @return the pid
     * @throws NullPointerException when the server was closed
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Everything nats-server has written so far (stdout and stderr, across restarts).
     *
     * @return the log text, empty when there is no log file yet
     * @throws UncheckedIOException when the log cannot be read (names the file)
     */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + logFile, e);
        }
    }

    /**
     * Stops the server gracefully (SIGTERM, SIGKILL after 10 seconds); does nothing when it is
     * already stopped.
     *
     * @throws InterruptedException when interrupted while waiting for it to exit
     */
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
