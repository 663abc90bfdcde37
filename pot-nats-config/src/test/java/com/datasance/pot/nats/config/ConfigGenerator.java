package com.datasance.pot.nats.config;

import java.util.List;
import java.util.Random;

/** Seeded generator of NATS configs, mostly valid, and of mutations that break them. */
final class ConfigGenerator {

    private static final List<String> KEYS = List.of(
            "a",
            "b",
            "jetstream",
            "JetStream",
            "store_dir",
            "storedir",
            "server_name",
            "x_1",
            "\"quoted key\"",
            "'single key'",
            "enabled",
            "max_mem",
            "tls",
            "cert_file",
            "A");
    private static final List<String> SEPARATORS = List.of(" = ", ": ", " ", "=", ":", "\t");
    private static final List<String> TERMINATORS = List.of("\n", "; ", ", ", " # comment\n", " // comment\n", "\r\n");
    private static final String SPECIAL = "{}[]()\"'\\$#/=:;, \t\n\r\0-.0123456789kKbBeE";

    private final Random random;

    ConfigGenerator(Random random) {
        this.random = random;
    }

    String config() {
        StringBuilder out = new StringBuilder();
        int entries = 1 + random.nextInt(8);
        for (int i = 0; i < entries; i++) {
            entry(out, 0);
            out.append(pick(TERMINATORS));
        }
        return out.toString();
    }

    private void entry(StringBuilder out, int depth) {
        out.append(pick(KEYS)).append(pick(SEPARATORS));
        value(out, depth);
    }

    private void value(StringBuilder out, int depth) {
        int kind = random.nextInt(depth > 3 ? 14 : 17);
        switch (kind) {
            case 0 -> out.append(random.nextInt(100_000) - 50);
            case 1 -> out.append(random.nextInt(1000)).append(pick(List.of("k", "KB", "mi", "G", "tib", "e", "P")));
            case 2 -> out.append(random.nextInt(100)).append('.').append(random.nextInt(1000));
            case 3 -> out.append(pick(List.of("true", "False", "yes", "NO", "on", "off", "enabled", "disabled")));
            case 4 -> out.append(pick(List.of("word", "path/to/dir", "127.0.0.1:4222", "nats://h:1", "3xyz", "x\\ty")));
            case 5 ->
                out.append('"')
                        .append(pick(List.of("dq", "a\\tb", "\\x41\\x42", "q\\\"q", "", "é ü")))
                        .append('"');
            case 6 ->
                out.append('\'')
                        .append(pick(List.of("sq", "raw\\n", "", "with space")))
                        .append('\'');
            case 7 -> out.append("(\nblock text\n  more ) text\n)\n");
            case 8 ->
                out.append(String.format(
                        "20%02d-0%d-1%dT1%d:2%d:3%dZ",
                        random.nextInt(100),
                        1 + random.nextInt(9),
                        random.nextInt(9),
                        random.nextInt(9),
                        random.nextInt(9),
                        random.nextInt(9)));
            case 9 -> out.append(pick(List.of("$a", "$A", "$B", "$x_1", "$2a$11$abc", "$undefined", "$LOOP")));
            case 10 -> out.append(pick(List.of("data", "./data", "/abs/store", "")));
            case 11, 12, 13 ->
                out.append('"').append("s").append(random.nextInt(10)).append('"');
            case 14, 15 -> {
                out.append('{').append(random.nextBoolean() ? "\n" : " ");
                int entries = random.nextInt(4);
                for (int i = 0; i < entries; i++) {
                    entry(out, depth + 1);
                    out.append(pick(List.of(", ", "; ", "\n", " # c\n")));
                }
                out.append('}');
            }
            default -> {
                out.append('[');
                int items = random.nextInt(4);
                for (int i = 0; i < items; i++) {
                    value(out, depth + 1);
                    out.append(i < items - 1 ? pick(List.of(", ", "\n", " ,")) : pick(List.of("", " ", "\n")));
                }
                out.append(']');
            }
        }
    }

    String mutate(String input) {
        StringBuilder text = new StringBuilder(input);
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            int at = text.isEmpty() ? 0 : random.nextInt(text.length() + 1);
            switch (random.nextInt(7)) {
                case 0 -> {
                    int end = Math.min(text.length(), at + 1 + random.nextInt(8));
                    text.delete(at, end);
                }
                case 1 -> text.insert(at, SPECIAL.charAt(random.nextInt(SPECIAL.length())));
                case 2 -> {
                    int end = Math.min(text.length(), at + random.nextInt(20));
                    text.insert(at, text.substring(at, end));
                }
                case 3 -> text.setLength(at);
                case 4 -> text.insert(at, (char) random.nextInt(0x3100));
                case 5 ->
                    text.insert(
                            at,
                            pick(List.of(
                                    "include x.conf\n",
                                    "{",
                                    "}",
                                    "[",
                                    "]",
                                    "\\x",
                                    "\\",
                                    "$",
                                    "(\n",
                                    "\n)\n",
                                    "'",
                                    "\"")));
                default -> {
                    if (at < text.length()) {
                        text.setCharAt(at, SPECIAL.charAt(random.nextInt(SPECIAL.length())));
                    }
                }
            }
        }
        return text.toString();
    }

    byte[] randomBytes() {
        byte[] bytes = new byte[random.nextInt(300)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = random.nextInt(3) == 0
                    ? (byte) random.nextInt(256)
                    : (byte) SPECIAL.charAt(random.nextInt(SPECIAL.length()));
        }
        return bytes;
    }

    private String pick(List<String> choices) {
        return choices.get(random.nextInt(choices.size()));
    }
}
