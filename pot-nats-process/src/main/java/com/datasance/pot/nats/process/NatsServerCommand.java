package com.datasance.pot.nats.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How to run nats-server: {@code BINARY -c CONFIG [-m PORT] [ARGS...]}, in the config file's
 * directory (so that relative {@code include}s and paths resolve as nats-server resolves them when
 * started from there).
 *
 * @param binary the nats-server executable
 * @param configFile the server config, passed as {@code -c}
 * @param monitorPort the monitoring port, passed as {@code -m}; empty passes no {@code -m}
 * @param args passed to nats-server after the options above (later flags override earlier ones)
 */
public record NatsServerCommand(Path binary, Path configFile, OptionalInt monitorPort, List<String> args) {

    public NatsServerCommand {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(monitorPort, "monitorPort");
        args = List.copyOf(args);
        configFile = configFile.toAbsolutePath();
        if (monitorPort.isPresent() && (monitorPort.getAsInt() < 1 || monitorPort.getAsInt() > 65535)) {
            throw new IllegalArgumentException("monitor port is 1..65535, got " + monitorPort.getAsInt());
        }
    }

    /** The full argument vector, binary first. */
    public List<String> argv() {
        List<String> argv = new ArrayList<>(List.of(binary.toString(), "-c", configFile.toString()));
        monitorPort.ifPresent(port -> argv.addAll(List.of("-m", Integer.toString(port))));
        argv.addAll(args);
        return List.copyOf(argv);
    }

    /** The config file's directory. */
    public Path workingDirectory() {
        Path parent = configFile.getParent();
        return parent == null ? Path.of("/") : parent;
    }

    /** The command line for messages, arguments separated by single spaces. */
    public String commandLine() {
        return String.join(" ", argv());
    }
}
