package com.datasance.pot.nats.api;

import java.net.URI;
import java.net.URISyntaxException;

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
     * then {@linkplain #escape escaped}. A value that is not a URL is escaped whole, except that
     * anything before an {@code @} that follows {@code ://} is still masked.
     *
     * @param url any text, usually a URL such as {@code nats://user:pass@host:4222}; null is shown
     *     as {@code null}
     * @return the text with its user info masked, escaped
     */
    public static String redactUrl(String url) {
        if (url == null) {
            return "null";
        }
        try {
            URI uri = new URI(url);
            if (uri.getRawUserInfo() != null) {
                int start = url.indexOf(uri.getRawUserInfo());
                return escape(url.substring(0, start) + "***"
                        + url.substring(start + uri.getRawUserInfo().length()));
            }
            if (uri.getRawAuthority() != null || uri.getScheme() == null || !url.contains("@")) {
                return escape(url);
            }
        } catch (URISyntaxException notAUri) {
            // fall through to the textual mask: a malformed URL may still carry a password
        }
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (at > scheme) {
            int from = scheme < 0 ? 0 : scheme + 3;
            return escape(url.substring(0, from) + "***" + url.substring(at));
        }
        return escape(url);
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
