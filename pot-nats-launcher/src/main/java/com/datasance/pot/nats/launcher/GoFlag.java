package com.datasance.pot.nats.launcher;

import java.util.Optional;
import java.util.Set;

/**
 * One command-line argument as Go's flag package (nats-server's) reads it: one or two dashes, a
 * name, and a value when written {@code name=value} (otherwise the value, if the flag takes one,
 * is the next argument).
 *
 * @param name the flag's name without dashes
 * @param value the value written after {@code =}; empty when none was
 */
record GoFlag(String name, Optional<String> value) {

    /** The flag {@code arg} is; empty when it is not one (no dash, or only dashes). */
    static Optional<GoFlag> of(String arg) {
        String flag = arg.replaceFirst("^--?", "");
        if (flag.equals(arg) || flag.isEmpty() || flag.startsWith("-")) {
            return Optional.empty();
        }
        int equals = flag.indexOf('=');
        return Optional.of(
                equals < 0
                        ? new GoFlag(flag, Optional.empty())
                        : new GoFlag(flag.substring(0, equals), Optional.of(flag.substring(equals + 1))));
    }

    /** Whether this flag is one of {@code names}. */
    boolean named(String... names) {
        return Set.of(names).contains(name);
    }
}
