package com.datasance.pot.nats.api;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * Makes names and values that come from outside (file names, account names, environment values,
 * URLs) safe to put in one log line or error message: control characters cannot split or forge a
 * line, and the user info of a URL (which may hold a password or token) is never printed.
 *
 * <p>Stateless and thread-safe; every method accepts any string and never throws.
 */
public final class SafeText {

    private SafeText() {}

    /**
     * {@code value} in single quotes, with control characters, quotes and backslashes escaped
     * ({@code \n}, {@code \t}, {@code \'}, {@code \u0085}...), so that the result is always one line.
     *
     * @param value any text; null is shown as {@code 'null'}
     * @return the quoted, escaped text
     */
    public static String quote(String value) {
        return "'" + escape(value) + "'";
    }

    /**
     * {@code value} with control characters, single quotes and backslashes escaped; no quotes
     * around it.
     *
     * @param value any text; null is shown as {@code null}
     * @return the escaped text, on one line; {@code value} itself when nothing needed escaping
     */
    public static String escape(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            String replacement = replacement(c);
            if (replacement == null) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(value.length() + 16).append(value, 0, i);
            }
            out.append(replacement);
        }
        return out == null ? value : out.toString();
    }

    /**
     * A URL as it may be printed: the user info (user, password or token) replaced by {@code ***},
     * then {@linkplain #escape escaped}. The mask is textual, so a URL too malformed for {@link
     * URI} (a bad port, an empty host, an {@code @} in the password) is masked as well: with
     * {@code //}, everything from there to the last {@code @} is masked (more than the user info
     * when a path holds an {@code @}: too much is better than a password); without {@code //}, a
     * value that is not a plain relative path is masked up to its last {@code @}.
     *
     * @param url any text, usually a URL such as {@code nats://user:pass@host:4222}; null is shown
     *     as {@code null}
     * @return the text with its user info masked, escaped
     */
    public static String redactUrl(String url) {
        if (url == null) {
            return "null";
        }
        int at = url.lastIndexOf('@');
        if (at < 0) {
            return escape(url);
        }
        int slashes = url.indexOf("//");
        if (slashes >= 0 && slashes < at) {
            // java.net.URI reads 'nats://u:p@host:4222x' (a bad port) as a registry authority
            // with no user info, so no parsed component is trusted here.
            return escape(url.substring(0, slashes + 2) + "***" + url.substring(at));
        }
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null && uri.getRawAuthority() == null) {
                return escape(url); // a relative path such as 'dir@2': nothing to hide
            }
        } catch (URISyntaxException notAUri) {
            // masked below: a malformed value may still carry a password
        }
        return escape("***" + url.substring(at));
    }

    /**
     * {@code duration} as Go and nats-server print it, the way the NATS_* durations are written:
     * {@code 0s}, {@code 500ms}, {@code 1.5s}, {@code 1m30s}, {@code 2h0m0s}; never Java's {@code
     * PT1M30S}.
     *
     * @param duration any duration; a negative one is printed with a leading {@code -}
     * @return the text
     * @throws NullPointerException when {@code duration} is null
     */
    public static String duration(Duration duration) {
        if (duration.isNegative()) {
            return "-" + duration(duration.negated());
        }
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.toNanosPart() % 1_000_000 == 0 && duration.toSeconds() == 0) {
            return duration.toMillis() + "ms";
        }
        StringBuilder text = new StringBuilder();
        long hours = duration.toHours();
        int minutes = duration.toMinutesPart();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            text.append(minutes).append('m');
        }
        BigDecimal seconds = BigDecimal.valueOf(duration.toSecondsPart())
                .add(BigDecimal.valueOf(duration.toNanosPart(), 9))
                .stripTrailingZeros();
        text.append(seconds.toPlainString()).append('s');
        return text.toString();
    }

    private static String replacement(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '\\' -> "\\\\";
            case '\'' -> "\\'";
            default ->
                Character.isISOControl(c)
                                || Character.getType(c) == Character.LINE_SEPARATOR
                                || Character.getType(c) == Character.PARAGRAPH_SEPARATOR
                                || Character.getType(c) == Character.FORMAT
                        ? String.format("\\u%04x", (int) c)
                        : null;
        };
    }
}
