package com.datasance.pot.nats.launcher;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The launcher's SLF4J backend: one line per event on stderr, in nats-server's own layout so one
 * grep reads both, e.g. {@code [pot-nats] 2026/11/23 15:15:26.123456 [INF] message}. Levels INF,
 * WRN, ERR, DBG (TRACE prints as DBG); debug lines only when POT_NATS_DEBUG=true. A throwable adds
 * its message, and its stack trace when debug is on (printed as the JVM prints it, over many
 * lines). Control characters in a message are escaped, so one event is always one line.
 *
 * <p>A few dozen lines instead of logback: nothing to configure, and no XML parser loaded at start.
 */
public final class StderrLoggingProvider implements SLF4JServiceProvider {

    private static volatile boolean debug;

    private final ILoggerFactory loggers = new Factory();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** Turns the debug lines on or off for every logger. */
    static void setDebug(boolean enabled) {
        debug = enabled;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {}

    private static final class Factory implements ILoggerFactory {
        private final ConcurrentMap<String, Logger> byName = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return byName.computeIfAbsent(name, StderrLogger::new);
        }
    }

    static final class StderrLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        StderrLogger(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return debug;
        }

        @Override
        public boolean isDebugEnabled() {
            return debug;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(
                Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            StringBuilder line = new StringBuilder(64 + message.length());
            line.append("[pot-nats] ");
            // Local time, as nats-server's own log lines (Go's log package) use.
            appendTimestamp(line, LocalDateTime.now(ZoneId.systemDefault()));
            line.append(" [").append(tag(level)).append("] ");
            appendOneLine(line, message);
            if (throwable != null) {
                line.append(": ");
                appendOneLine(line, String.valueOf(throwable));
            }
            line.append(System.lineSeparator());
            PrintStream err = System.err;
            err.print(line);
            if (throwable != null && debug) {
                throwable.printStackTrace(err);
            }
            err.flush();
        }
    }

    /**
     * {@code text} with its control characters escaped ({@code \n}, {@code \r}, {@code
     * \t}, {@code \u2028}...): whatever a message carries from outside (a file name, an error of
     * nats-server, an exception's message), it cannot split the line or forge another one. Quotes
     * and backslashes stay as they are: the layout of our own messages does not change.
     */
    static String oneLine(String text) {
        StringBuilder line = new StringBuilder(text.length() + 16);
        appendOneLine(line, text);
        return line.toString();
    }

    /** {@link #oneLine(String)}, appended to {@code line}. */
    static void appendOneLine(StringBuilder line, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    int type = Character.getType(c);
                    if (Character.isISOControl(c)
                            || type == Character.LINE_SEPARATOR
                            || type == Character.PARAGRAPH_SEPARATOR) {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
    }

    static String tag(Level level) {
        return switch (level) {
            case ERROR -> "ERR";
            case WARN -> "WRN";
            case INFO -> "INF";
            case DEBUG, TRACE -> "DBG";
        };
    }

    /** {@code 2026/11/23 15:15:26.123456}, local time with microseconds, as nats-server prints it. */
    static void appendTimestamp(StringBuilder line, LocalDateTime time) {
        line.append(time.getYear()).append('/');
        pad(line, time.getMonthValue(), 2).append('/');
        pad(line, time.getDayOfMonth(), 2).append(' ');
        pad(line, time.getHour(), 2).append(':');
        pad(line, time.getMinute(), 2).append(':');
        pad(line, time.getSecond(), 2).append('.');
        pad(line, time.getNano() / 1000, 6);
    }

    private static StringBuilder pad(StringBuilder line, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            line.append('0');
        }
        return line.append(digits);
    }
}
