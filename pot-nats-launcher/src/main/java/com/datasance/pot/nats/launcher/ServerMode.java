package com.datasance.pot.nats.launcher;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How nats-server runs, which decides what a change does (DESIGN.md, "Change detection and
 * reload").
 */
enum ServerMode {
    /** Every cause validates the config and sends SIGHUP. */
    SERVER,
    /**
     * A leaf node: SSL sends SIGHUP; CONFIG, ACCOUNTS and CREDS validate and restart nats-server;
     * JWT changes the resolver only.
     */
    LEAF;

    /** The spelling used in NATS_SERVER_MODE. */
    String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code server} or {@code leaf} (case-insensitive); anything else is empty. */
    static Optional<ServerMode> parse(String text) {
        return Arrays.stream(values())
                .filter(mode -> mode.spelling().equalsIgnoreCase(text.strip()))
                .findFirst();
    }

    /** The accepted spellings, for error messages: {@code 'server' or 'leaf'}. */
    static String accepted() {
        return Arrays.stream(values()).map(mode -> "'" + mode.spelling() + "'").collect(Collectors.joining(" or "));
    }
}
