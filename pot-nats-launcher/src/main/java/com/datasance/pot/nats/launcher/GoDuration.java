package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.SafeText;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * Durations as nats-server writes them (Go's {@code time.ParseDuration}): a sequence of decimal
 * numbers, each with a unit, such as {@code 500ms}, {@code 30s}, {@code 1h30m} or {@code 1.5s};
 * units {@code ns}, {@code us} (or {@code µs}), {@code ms}, {@code s}, {@code m}, {@code h}; a
 * bare {@code 0} is zero. Negative durations are rejected (Go accepts them; no setting of ours
 * means anything negative).
 */
final class GoDuration {

    /** For error messages. */
    static final String ACCEPTED = "a duration such as '500ms', '30s', '2m' or '1h30m' (units ns, us, ms, s, m, h)";

    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private GoDuration() {}

    /** A well-formed duration beyond Go's (and so nats-server's) largest, about 2562047h. */
    static final class TooLarge extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("too large");
        }
    }

    /**
     * Parses {@code text}.
     *
     * @throws TooLarge when it is a duration beyond Go's largest
     * @throws IllegalArgumentException when it is not a non-negative Go duration
     */
    static Duration parse(String text) {
        String s = text.strip();
        if (s.equals("0") || s.equals("+0")) {
            return Duration.ZERO;
        }
        if (s.startsWith("-")) {
            throw new IllegalArgumentException("negative");
        }
        if (s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        BigDecimal nanos = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            // ASCII digits only, as Go: Character.isDigit would take Arabic-Indic and other digits.
            while (i < s.length() && (isAsciiDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String number = s.substring(start, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw new IllegalArgumentException("expected a number at '" + s.substring(start) + "'");
            }
            int unitStart = i;
            while (i < s.length() && !isAsciiDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            long unit = unitNanos(s.substring(unitStart, i));
            nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unit)));
            if (nanos.compareTo(MAX_NANOS) > 0) {
                throw new TooLarge();
            }
        }
        return Duration.ofNanos(nanos.longValue());
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "" -> throw new IllegalArgumentException("missing unit");
            default -> throw new IllegalArgumentException("unknown unit " + SafeText.quote(unit));
        };
    }

    /** Writes {@code duration} the way Go prints it, e.g. {@code 1m30s}, {@code 500ms}. */
    static String format(Duration duration) {
        return SafeText.duration(duration);
    }
}
