package com.datasance.pot.nats.launcher;

import java.util.Arrays;
import java.util.List;

/** What the command line asks for: {@code pot-nats [run] [ARGS...] | reconcile [--dry-run] | version | --help}. */
sealed interface Command {

    /** Supervise nats-server; {@code args} go to nats-server after {@code -c CONF [-m PORT]}. */
    record Run(List<String> args) implements Command {
        public Run {
            args = List.copyOf(args);
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
            case "run" -> new Run(rest);
            case "version", "--version" -> {
                if (!rest.isEmpty()) {
                    throw new UsageException("'version' takes no arguments, found '" + String.join(" ", rest) + "'");
                }
                yield new Version();
            }
            case "reconcile" -> {
                if (rest.isEmpty() || rest.equals(List.of("--dry-run"))) {
                    yield new Reconcile(!rest.isEmpty());
                }
                throw new UsageException("'reconcile' takes only '--dry-run', found '" + String.join(" ", rest) + "'");
            }
            case "help", "--help", "-h" -> new Help();
            default -> {
                if (first.startsWith("-")) {
                    yield new Run(Arrays.asList(argv));
                }
                throw new UsageException("unknown command '" + first
                        + "'; expected 'run', 'reconcile', 'version' or '--help' (see 'pot-nats --help')");
            }
        };
    }
}
