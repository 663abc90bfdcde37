package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.SafeText;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the command line asks for: {@code pot-nats [run] [ARGS...] | store-dir --config FILE |
 * reconcile [--dry-run] | version | --help}.
 */
sealed interface Command {

    /** Supervise nats-server; {@code args} go to nats-server after {@code -c CONF [-m PORT]}. */
    record Run(List<String> args) implements Command {
        public Run {
            args = List.copyOf(args);
        }

        /**
         * Refuses a {@code -m}/{@code --http_port} in {@code args} that moves monitoring away from
         * NATS_MONITOR_PORT: nats-server takes the last one, after the wrapper's, and the wrapper
         * would then look for {@code /varz} where nothing answers (reloads never confirmed). The
         * same port, or any when NATS_MONITOR_PORT is 0 (the wrapper asks no {@code /varz}), is
         * accepted.
         *
         * @param monitorPort NATS_MONITOR_PORT; empty when 0
         * @throws UsageException naming the argument, NATS_MONITOR_PORT and the way out
         */
        void checkMonitorPort(OptionalInt monitorPort) throws UsageException {
            if (monitorPort.isEmpty()) {
                return;
            }
            String expected = Integer.toString(monitorPort.getAsInt());
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (arg.equals("--")) {
                    return;
                }
                Optional<GoFlag> flag = GoFlag.of(arg).filter(f -> f.named("m", "http_port"));
                if (flag.isEmpty()) {
                    continue;
                }
                Optional<String> inline = flag.get().value();
                Optional<String> value = inline.isPresent()
                        ? inline
                        : i + 1 < args.size() ? Optional.of(args.get(++i)) : Optional.empty();
                if (value.isPresent() && !value.get().strip().equals(expected)) {
                    throw new UsageException("nats-server argument " + SafeText.quote(arg)
                            + (inline.isEmpty() ? " " + SafeText.quote(value.get()) : "")
                            + " moves monitoring away from NATS_MONITOR_PORT=" + expected
                            + ", where pot-nats confirms reloads through /varz; set NATS_MONITOR_PORT to that port"
                            + " instead (or leave -m out)");
                }
            }
        }
    }

    /** Print the directory that holds per-account JetStream data for {@code config}. */
    record StoreDir(Path config) implements Command {
        public StoreDir {
            Objects.requireNonNull(config, "config");
        }
    }

    /** Print the wrapper's version and nats-server's. */
    record Version() implements Command {}

    /** One JetStream purge pass against the running nats-server; {@code dryRun} sends nothing. */
    record Reconcile(boolean dryRun) implements Command {}

    /** Print the usage. */
    record Help() implements Command {}

    String USAGE = """
            Usage: pot-nats [run] [ARGS...]   supervise nats-server; ARGS go to nats-server after -c CONF
                   pot-nats store-dir --config FILE
                                              print the directory holding per-account JetStream data
                   pot-nats reconcile [--dry-run]
                                              one JetStream purge pass against the running server
                                              (NATS_CLIENT_URL); --dry-run prints the plan only
                   pot-nats version           print the versions of pot-nats and nats-server
                   pot-nats --help            print this help

            As with the official nats image, arguments that start with '-' are nats-server's own:
            'pot-nats -DV' runs nats-server with debug and trace logging. Settings come from the
            environment (NATS_CONF, NATS_MONITOR_PORT, ...): see README.md.
            """;

    /**
     * Parses the arguments of {@code main}.
     *
     * @throws UsageException for an unknown command
     */
    static Command parse(String[] argv) throws UsageException {
        if (argv.length == 0) {
            return new Run(List.of());
        }
        String first = argv[0];
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        return switch (first) {
            case "run" -> run(rest);
            case "version", "--version" -> {
                if (!rest.isEmpty()) {
                    throw new UsageException("'version' takes no arguments, found '" + String.join(" ", rest) + "'");
                }
                yield new Version();
            }
            case "store-dir" -> storeDir(rest);
            case "reconcile" -> {
                if (rest.isEmpty() || rest.equals(List.of("--dry-run"))) {
                    yield new Reconcile(!rest.isEmpty());
                }
                throw new UsageException("'reconcile' takes only '--dry-run', found '" + String.join(" ", rest) + "'");
            }
            case "help", "--help", "-h" -> new Help();
            default -> {
                if (first.startsWith("-")) {
                    yield run(Arrays.asList(argv));
                }
                throw new UsageException("unknown command '" + first
                        + "'; expected 'run', 'store-dir', 'reconcile', 'version' or '--help' (see 'pot-nats --help')");
            }
        };
    }

    /**
     * nats-server's own arguments, without a config of their own: nats-server reads the last
     * {@code -c} it is given, so one in ARGS (after the wrapper's {@code -c NATS_CONF}) would run
     * another config while the wrapper watches, validates and reloads NATS_CONF. Go's flag package
     * takes one or two dashes and {@code =value}, and stops at {@code --}.
     */
    private static Run run(List<String> args) throws UsageException {
        for (String arg : args) {
            if (arg.equals("--")) {
                break;
            }
            if (GoFlag.of(arg).filter(flag -> flag.named("c", "config")).isPresent()) {
                throw new UsageException("nats-server argument " + SafeText.quote(arg)
                        + " is not accepted: the config comes from NATS_CONF, not from -c/--config"
                        + " (set NATS_CONF to the config file instead)");
            }
        }
        return new Run(args);
    }

    String STORE_DIR_USAGE = "usage: pot-nats store-dir --config FILE";

    private static StoreDir storeDir(List<String> rest) throws UsageException {
        String file = null;
        if (rest.size() == 2 && rest.get(0).equals("--config")) {
            file = rest.get(1);
        } else if (rest.size() == 1 && rest.get(0).startsWith("--config=")) {
            file = rest.get(0).substring("--config=".length());
        }
        if (file == null || file.isBlank()) {
            throw new UsageException(
                    rest.isEmpty()
                            ? STORE_DIR_USAGE + " (missing --config)"
                            : STORE_DIR_USAGE + " (found '" + String.join(" ", rest) + "')");
        }
        try {
            return new StoreDir(Path.of(file).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            throw new UsageException(STORE_DIR_USAGE + " ('" + file + "' is not a path: " + e.getReason() + ")");
        }
    }
}
