package com.datasance.pot.nats.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;

/**
 * The NATS config lexer: a state machine with an explicit state stack, so that nesting depth never
 * turns into Java stack depth. The states and their transitions follow nats-server 2.9.10 {@code
 * conf/lex.go} one for one, including its quirks (a NUL character counts as end of input, a lone
 * {@code /} between values is skipped, a ')' closes a block only alone on its line), because the
 * reader must accept exactly what the server accepts.
 *
 * <p>Positions are char offsets into the input; the parser turns them into line and column.
 */
final class Lexer {

    enum Type {
        ERROR,
        EOF,
        KEY,
        TEXT,
        STRING,
        BOOL,
        INTEGER,
        FLOAT,
        DATETIME,
        ARRAY_START,
        ARRAY_END,
        MAP_START,
        MAP_END,
        COMMENT_START,
        VARIABLE,
        INCLUDE
    }

    /** One token; {@code offset} is where its text starts (for errors: where the problem is). */
    record Item(Type type, String value, int offset) {}

    private enum State {
        TOP,
        TOP_VALUE_END,
        KEY_START,
        DUB_QUOTED_KEY,
        QUOTED_KEY,
        INCLUDE_START,
        INCLUDE,
        INCLUDE_QUOTED,
        INCLUDE_DUB_QUOTED,
        INCLUDE_STRING,
        KEY,
        KEY_END,
        VALUE,
        ARRAY_VALUE,
        ARRAY_VALUE_END,
        ARRAY_END,
        MAP_KEY_START,
        MAP_QUOTED_KEY,
        MAP_DUB_QUOTED_KEY,
        MAP_KEY,
        MAP_KEY_END,
        MAP_VALUE,
        MAP_VALUE_END,
        MAP_END,
        QUOTED_STRING,
        DUB_QUOTED_STRING,
        STRING,
        BLOCK,
        STRING_ESCAPE,
        STRING_BINARY,
        NUMBER_START,
        NUMBER,
        CONVENIENT_NUMBER,
        DATE_AFTER_YEAR,
        NEG_NUMBER_START,
        NEG_NUMBER,
        FLOAT_START,
        FLOAT,
        IP_ADDR,
        COMMENT_START,
        COMMENT,
        STOPPED
    }

    /** nats-server's lexer returns 0 at the end of input, so a NUL character reads as the end too. */
    private static final int EOF = 0;

    private static final char[] ZULU_FORMAT = "00-00T00:00:00Z".toCharArray();

    private final String input;
    private final int length;
    private int start;
    private int tokenStart;
    private int pos;
    private int width;
    private int lastRead;
    private State state = State.TOP;
    private State[] stack = new State[16];
    private int stackSize;
    private State stringState = State.STRING;
    private final StringBuilder parts = new StringBuilder();
    private final ByteArrayOutputStream partBytes = new ByteArrayOutputStream();
    private boolean hasParts;
    private final ArrayDeque<Item> items = new ArrayDeque<>(4);

    Lexer(String input) {
        this.input = input;
        this.length = input.length();
    }

    /** The next token; after an ERROR or EOF token the lexer keeps returning EOF. */
    Item nextItem() {
        while (items.isEmpty()) {
            if (state == State.STOPPED) {
                return new Item(Type.EOF, "", pos);
            }
            state = step(state);
        }
        return items.poll();
    }

    private int next() {
        lastRead = pos;
        if (pos >= length) {
            width = 0;
            return EOF;
        }
        int c = input.codePointAt(pos);
        width = Character.charCount(c);
        pos += width;
        return c;
    }

    private void backup() {
        pos -= width;
        lastRead = pos;
    }

    private int peek() {
        int c = next();
        backup();
        return c;
    }

    private void ignore() {
        start = pos;
        tokenStart = pos;
    }

    private void push(State s) {
        if (stackSize == stack.length) {
            stack = Arrays.copyOf(stack, stackSize * 2);
        }
        stack[stackSize++] = s;
    }

    private State pop() {
        if (stackSize == 0) {
            return error("BUG in lexer: no states to pop");
        }
        return stack[--stackSize];
    }

    private void emit(Type type) {
        String value = takeParts() + input.substring(start, pos);
        items.add(new Item(type, value, tokenStart));
        start = pos;
        tokenStart = pos;
    }

    private String takeParts() {
        if (!hasParts) {
            return "";
        }
        flushBytes();
        String joined = parts.toString();
        parts.setLength(0);
        hasParts = false;
        return joined;
    }

    private void flushBytes() {
        if (partBytes.size() > 0) {
            // \xHH escapes are bytes; consecutive ones form UTF-8 text, as in nats-server's Go strings.
            parts.append(partBytes.toString(StandardCharsets.UTF_8));
            partBytes.reset();
        }
    }

    private void addCurrentStringPart(int offset) {
        if (pos - offset > start) {
            flushBytes();
            parts.append(input, start, pos - offset);
        }
        hasParts = true;
        start = pos;
    }

    private State addStringPart(String s) {
        flushBytes();
        parts.append(s);
        hasParts = true;
        start = pos;
        return stringState;
    }

    private State error(String message) {
        items.add(new Item(Type.ERROR, message, Math.min(lastRead, length)));
        return State.STOPPED;
    }

    private static String show(int c) {
        if (c == EOF) {
            return "end of input";
        }
        if (c == '\n') {
            return "'\\n'";
        }
        if (c == '\r') {
            return "'\\r'";
        }
        if (c == '\t') {
            return "'\\t'";
        }
        if (Character.isISOControl(c)) {
            return String.format(Locale.ROOT, "'\\u%04x'", c);
        }
        return "'" + Character.toString(c) + "'";
    }

    private State step(State current) {
        return switch (current) {
            case TOP -> {
                int r = next();
                if (isSpace(r)) {
                    ignore();
                    yield State.TOP;
                }
                switch (r) {
                    case '{' -> {
                        // 2.9.10 skips '{' at the top level: a config may be wrapped in braces.
                        ignore();
                        yield State.TOP;
                    }
                    case '#' -> {
                        push(State.TOP);
                        yield State.COMMENT_START;
                    }
                    case '/' -> {
                        int rn = next();
                        if (rn == '/') {
                            push(State.TOP);
                            yield State.COMMENT_START;
                        }
                        backup();
                        yield topEof();
                    }
                    case EOF -> topEof();
                    default -> {
                        // Anything else starts a key.
                    }
                }
                backup();
                push(State.TOP_VALUE_END);
                yield State.KEY_START;
            }
            case TOP_VALUE_END -> {
                int r = next();
                if (r == '#') {
                    push(State.TOP);
                    yield State.COMMENT_START;
                }
                if (r == '/') {
                    int rn = next();
                    if (rn == '/') {
                        push(State.TOP);
                        yield State.COMMENT_START;
                    }
                    backup();
                    // nats-server falls through to the whitespace case: a lone '/' is skipped.
                    yield State.TOP_VALUE_END;
                }
                if (isWhitespace(r)) {
                    yield State.TOP_VALUE_END;
                }
                if (isNL(r) || r == EOF || r == ';' || r == ',' || r == '}') {
                    ignore();
                    yield State.TOP;
                }
                yield error(
                        "expected a top-level value to end with a new line, comment or end of input, found " + show(r));
            }
            case KEY_START -> {
                int r = peek();
                if (isKeySeparator(r)) {
                    yield error("unexpected key separator " + show(r));
                }
                if (isSpace(r)) {
                    next();
                    ignore();
                    yield State.KEY_START;
                }
                if (r == '"') {
                    next();
                    ignore();
                    yield State.DUB_QUOTED_KEY;
                }
                if (r == '\'') {
                    next();
                    ignore();
                    yield State.QUOTED_KEY;
                }
                ignore();
                next();
                yield State.KEY;
            }
            case DUB_QUOTED_KEY, QUOTED_KEY -> {
                int quote = current == State.DUB_QUOTED_KEY ? '"' : '\'';
                int r = peek();
                if (r == quote) {
                    emit(Type.KEY);
                    next();
                    ignore();
                    yield State.KEY_END;
                } else if (r == EOF) {
                    yield eofOrError("unexpected end of input in a quoted key");
                }
                next();
                yield current;
            }
            case INCLUDE_START -> {
                int r = next();
                if (isWhitespace(r)) {
                    ignore();
                    yield State.INCLUDE_START;
                }
                backup();
                yield State.INCLUDE;
            }
            case INCLUDE -> {
                int r = next();
                if (r == '\'') {
                    ignore();
                    yield State.INCLUDE_QUOTED;
                }
                if (r == '"') {
                    ignore();
                    yield State.INCLUDE_DUB_QUOTED;
                }
                if (r == '[') {
                    yield error("expected an include file name, found the start of an array");
                }
                if (r == '{') {
                    yield error("expected an include file name, found the start of a map");
                }
                if (r == '(') {
                    yield error("expected an include file name, found the start of a block");
                }
                if (Character.isDigit(r) || r == '-') {
                    yield error("expected an include file name, found the start of a number");
                }
                if (r == '\\') {
                    yield error("expected an include file name, found an escape sequence");
                }
                if (isNL(r)) {
                    yield error("expected an include file name, found a new line");
                }
                backup();
                yield State.INCLUDE_STRING;
            }
            case INCLUDE_QUOTED, INCLUDE_DUB_QUOTED -> {
                int quote = current == State.INCLUDE_DUB_QUOTED ? '"' : '\'';
                int r = next();
                if (r == quote) {
                    backup();
                    emit(Type.INCLUDE);
                    next();
                    ignore();
                    yield pop();
                }
                if (r == EOF) {
                    yield error("unexpected end of input in a quoted include file name");
                }
                yield current;
            }
            case INCLUDE_STRING -> {
                int r = next();
                if (isNL(r) || r == EOF || r == ';' || r == '}' || isWhitespace(r)) {
                    backup();
                    emit(Type.INCLUDE);
                    yield pop();
                }
                if (r == '\'') {
                    backup();
                    emit(Type.INCLUDE);
                    next();
                    ignore();
                    yield pop();
                }
                yield State.INCLUDE_STRING;
            }
            case KEY -> {
                int r = peek();
                if (isSpace(r)) {
                    yield keyCheckKeyword(State.KEY_END, null);
                } else if (isKeySeparator(r) || r == EOF) {
                    emit(Type.KEY);
                    yield State.KEY_END;
                }
                next();
                yield State.KEY;
            }
            case KEY_END -> {
                int r = next();
                if (isSpace(r)) {
                    ignore();
                    yield State.KEY_END;
                }
                if (isKeySeparator(r)) {
                    ignore();
                    yield State.VALUE;
                }
                if (r == EOF) {
                    // A key with no value at the end of input is accepted by 2.9.10 (newer servers reject it).
                    emit(Type.EOF);
                    yield State.STOPPED;
                }
                backup();
                yield State.VALUE;
            }
            case VALUE -> {
                int r = next();
                if (isWhitespace(r)) {
                    ignore();
                    yield State.VALUE;
                }
                if (r == '[') {
                    ignore();
                    emit(Type.ARRAY_START);
                    yield State.ARRAY_VALUE;
                }
                if (r == '{') {
                    ignore();
                    emit(Type.MAP_START);
                    yield State.MAP_KEY_START;
                }
                if (r == '\'') {
                    ignore();
                    yield State.QUOTED_STRING;
                }
                if (r == '"') {
                    ignore();
                    stringState = State.DUB_QUOTED_STRING;
                    yield State.DUB_QUOTED_STRING;
                }
                if (r == '-') {
                    yield State.NEG_NUMBER_START;
                }
                if (r == '(') {
                    ignore();
                    yield State.BLOCK;
                }
                if (Character.isDigit(r)) {
                    backup();
                    yield State.NUMBER_START;
                }
                if (r == '.') {
                    yield error("floats must start with a digit");
                }
                if (isNL(r)) {
                    yield error("expected a value, found a new line");
                }
                backup();
                stringState = State.STRING;
                yield State.STRING;
            }
            case ARRAY_VALUE -> {
                int r = next();
                if (isSpace(r)) {
                    ignore();
                    yield State.ARRAY_VALUE;
                }
                if (r == '#') {
                    push(State.ARRAY_VALUE);
                    yield State.COMMENT_START;
                }
                if (r == '/') {
                    int rn = next();
                    if (rn == '/') {
                        push(State.ARRAY_VALUE);
                        yield State.COMMENT_START;
                    }
                    backup();
                    yield error("unexpected array value terminator ','");
                }
                if (r == ',') {
                    yield error("unexpected array value terminator ','");
                }
                if (r == ']') {
                    yield State.ARRAY_END;
                }
                backup();
                push(State.ARRAY_VALUE_END);
                yield State.VALUE;
            }
            case ARRAY_VALUE_END -> {
                int r = next();
                if (isWhitespace(r)) {
                    ignore();
                    yield State.ARRAY_VALUE_END;
                }
                if (r == '#') {
                    push(State.ARRAY_VALUE_END);
                    yield State.COMMENT_START;
                }
                if (r == '/') {
                    int rn = next();
                    if (rn == '/') {
                        push(State.ARRAY_VALUE_END);
                        yield State.COMMENT_START;
                    }
                    backup();
                    ignore();
                    yield State.ARRAY_VALUE;
                }
                if (r == ',' || isNL(r)) {
                    ignore();
                    yield State.ARRAY_VALUE;
                }
                if (r == ']') {
                    yield State.ARRAY_END;
                }
                yield error("expected ',' or ']' after an array value, found " + show(r));
            }
            case ARRAY_END -> {
                ignore();
                emit(Type.ARRAY_END);
                yield pop();
            }
            case MAP_KEY_START -> {
                int r = peek();
                if (isKeySeparator(r)) {
                    yield error("unexpected key separator " + show(r));
                }
                if (r == ']') {
                    yield error("unexpected ']' in a map");
                }
                if (isSpace(r)) {
                    next();
                    ignore();
                    yield State.MAP_KEY_START;
                }
                if (r == '}') {
                    next();
                    ignore();
                    yield State.MAP_END;
                }
                if (r == '#') {
                    next();
                    push(State.MAP_KEY_START);
                    yield State.COMMENT_START;
                }
                switch (r) {
                    case '/' -> {
                        next();
                        int rn = next();
                        if (rn == '/') {
                            push(State.MAP_KEY_START);
                            yield State.COMMENT_START;
                        }
                        // nats-server backs up one rune and starts the key after the '/'.
                        backup();
                    }
                    case '\'' -> {
                        next();
                        ignore();
                        yield State.MAP_QUOTED_KEY;
                    }
                    case '"' -> {
                        next();
                        ignore();
                        yield State.MAP_DUB_QUOTED_KEY;
                    }
                    case EOF -> {
                        yield error("unexpected end of input in a map; expected '}'");
                    }
                    default -> {
                        // Anything else starts a key.
                    }
                }
                ignore();
                next();
                yield State.MAP_KEY;
            }
            case MAP_QUOTED_KEY, MAP_DUB_QUOTED_KEY -> {
                int quote = current == State.MAP_DUB_QUOTED_KEY ? '"' : '\'';
                int r = peek();
                if (r == EOF) {
                    yield error("unexpected end of input in a quoted map key");
                } else if (r == quote) {
                    emit(Type.KEY);
                    next();
                    ignore();
                    yield State.MAP_KEY_END;
                }
                next();
                yield current;
            }
            case MAP_KEY -> {
                int r = peek();
                if (r == EOF) {
                    yield error("unexpected end of input in a map key");
                } else if (isSpace(r)) {
                    yield keyCheckKeyword(State.MAP_KEY_END, State.MAP_VALUE_END);
                } else if (isKeySeparator(r)) {
                    emit(Type.KEY);
                    yield State.MAP_KEY_END;
                }
                next();
                yield State.MAP_KEY;
            }
            case MAP_KEY_END -> {
                int r = next();
                if (isSpace(r)) {
                    ignore();
                    yield State.MAP_KEY_END;
                }
                if (isKeySeparator(r)) {
                    ignore();
                    yield State.MAP_VALUE;
                }
                backup();
                yield State.MAP_VALUE;
            }
            case MAP_VALUE -> {
                int r = next();
                if (isSpace(r)) {
                    ignore();
                    yield State.MAP_VALUE;
                }
                if (r == ',') {
                    yield error("unexpected map value terminator ','");
                }
                if (r == '}') {
                    ignore();
                    yield State.MAP_END;
                }
                backup();
                push(State.MAP_VALUE_END);
                yield State.VALUE;
            }
            case MAP_VALUE_END -> {
                int r = next();
                if (isWhitespace(r)) {
                    ignore();
                    yield State.MAP_VALUE_END;
                }
                if (r == '#') {
                    push(State.MAP_VALUE_END);
                    yield State.COMMENT_START;
                }
                if (r == '/') {
                    int rn = next();
                    if (rn == '/') {
                        push(State.MAP_VALUE_END);
                        yield State.COMMENT_START;
                    }
                    backup();
                    ignore();
                    yield State.MAP_KEY_START;
                }
                if (r == ';' || r == ',' || isNL(r)) {
                    ignore();
                    yield State.MAP_KEY_START;
                }
                if (r == '}') {
                    ignore();
                    yield State.MAP_END;
                }
                yield error("expected ',' or '}' after a map value, found " + show(r));
            }
            case MAP_END -> {
                ignore();
                emit(Type.MAP_END);
                yield pop();
            }
            case QUOTED_STRING -> {
                int r = next();
                if (r == '\'') {
                    backup();
                    emit(Type.STRING);
                    next();
                    ignore();
                    yield pop();
                }
                if (r == EOF) {
                    yield eofOrError("unexpected end of input in a quoted string; expected \"'\"");
                }
                yield State.QUOTED_STRING;
            }
            case DUB_QUOTED_STRING -> {
                int r = next();
                if (r == '\\') {
                    addCurrentStringPart(1);
                    yield State.STRING_ESCAPE;
                }
                if (r == '"') {
                    backup();
                    emit(Type.STRING);
                    next();
                    ignore();
                    yield pop();
                }
                if (r == EOF) {
                    yield eofOrError("unexpected end of input in a quoted string; expected '\"'");
                }
                yield State.DUB_QUOTED_STRING;
            }
            case STRING -> {
                int r = next();
                if (r == '\\') {
                    addCurrentStringPart(1);
                    yield State.STRING_ESCAPE;
                }
                if (isNL(r) || r == EOF || r == ';' || r == ',' || r == ']' || r == '}' || isWhitespace(r)) {
                    backup();
                    if (hasParts) {
                        emit(Type.STRING);
                    } else if (isBool()) {
                        emit(Type.BOOL);
                    } else if (start < length && input.charAt(start) == '$') {
                        start++;
                        emit(Type.VARIABLE);
                    } else {
                        emit(Type.STRING);
                    }
                    yield pop();
                }
                if (r == '\'') {
                    backup();
                    emit(Type.STRING);
                    next();
                    ignore();
                    yield pop();
                }
                yield State.STRING;
            }
            case BLOCK -> {
                int r = next();
                if (r == ')') {
                    int close = pos - 1;
                    // A block ends at a ')' alone on its line: preceded by '\n', followed by '\n' or the end.
                    if (close == 0 || input.charAt(close - 1) != '\n') {
                        yield State.BLOCK;
                    }
                    int after = next();
                    if (after == '\n' || after == EOF) {
                        // nats-server backs up over what it read; at the real end of input nothing moves,
                        // so there the ')' stays part of the value.
                        int end = width == 0 ? pos : close;
                        pos = end;
                        emit(Type.STRING);
                        pos = close + 1;
                        ignore();
                        yield pop();
                    }
                    backup();
                    yield State.BLOCK;
                }
                if (r == EOF) {
                    yield error("unexpected end of input in a block; expected ')' alone on a line");
                }
                yield State.BLOCK;
            }
            case STRING_ESCAPE -> {
                int r = next();
                yield switch (r) {
                    case 'x' -> State.STRING_BINARY;
                    case 't' -> addStringPart("\t");
                    case 'n' -> addStringPart("\n");
                    case 'r' -> addStringPart("\r");
                    case '"' -> addStringPart("\"");
                    case '\\' -> addStringPart("\\");
                    default ->
                        error("invalid escape character " + show(r)
                                + "; only \\xXX, \\t, \\n, \\r, \\\" and \\\\ are allowed");
                };
            }
            case STRING_BINARY -> {
                int high = next();
                if (isNL(high)) {
                    yield error("expected two hexadecimal digits after '\\x', found the end of the line");
                }
                int low = next();
                if (isNL(low)) {
                    yield error("expected two hexadecimal digits after '\\x', found the end of the line");
                }
                int h = hexValue(high);
                int l = hexValue(low);
                if (h < 0 || l < 0) {
                    yield error("expected two hexadecimal digits after '\\x'");
                }
                partBytes.write(h * 16 + l);
                hasParts = true;
                start = pos;
                yield stringState;
            }
            case NUMBER_START -> {
                int r = next();
                if (!Character.isDigit(r)) {
                    if (r == '.') {
                        yield error("floats must start with a digit, not '.'");
                    }
                    yield error("expected a digit, found " + show(r));
                }
                yield State.NUMBER;
            }
            case NUMBER -> {
                int r = next();
                if (r == '-') {
                    if (pos - start != 5) {
                        yield error("datetimes must be in full Zulu form (YYYY-MM-DDTHH:MM:SSZ)");
                    }
                    yield State.DATE_AFTER_YEAR;
                }
                if (Character.isDigit(r)) {
                    yield State.NUMBER;
                }
                if (r == '.') {
                    yield State.FLOAT_START;
                }
                if (isNumberSuffix(r)) {
                    yield State.CONVENIENT_NUMBER;
                }
                if (!(isNL(r) || r == EOF || r == '}' || r == ';' || r == ',' || isWhitespace(r))) {
                    // A value that starts with digits but is not a number is a string (e.g. '3xyz' is not).
                    stringState = State.STRING;
                    yield State.STRING;
                }
                backup();
                emit(Type.INTEGER);
                yield pop();
            }
            case CONVENIENT_NUMBER -> {
                int r = next();
                if (r == 'b' || r == 'B' || r == 'i' || r == 'I') {
                    yield State.CONVENIENT_NUMBER;
                }
                backup();
                if (isNL(r)
                        || r == EOF
                        || r == '}'
                        || r == ';'
                        || r == ','
                        || isWhitespace(r)
                        || Character.isDigit(r)) {
                    emit(Type.INTEGER);
                    yield pop();
                }
                stringState = State.STRING;
                yield State.STRING;
            }
            case DATE_AFTER_YEAR -> {
                for (char f : ZULU_FORMAT) {
                    int r = next();
                    if (f == '0') {
                        if (!Character.isDigit(r)) {
                            yield error("expected a digit in the datetime, found " + show(r));
                        }
                    } else if (f != r) {
                        yield error("expected '" + f + "' in the datetime, found " + show(r));
                    }
                }
                emit(Type.DATETIME);
                yield pop();
            }
            case NEG_NUMBER_START -> {
                int r = next();
                if (!Character.isDigit(r)) {
                    if (r == '.') {
                        yield error("floats must start with a digit, not '.'");
                    }
                    yield error("expected a digit after '-', found " + show(r));
                }
                yield State.NEG_NUMBER;
            }
            case NEG_NUMBER -> {
                int r = next();
                if (Character.isDigit(r)) {
                    yield State.NEG_NUMBER;
                }
                if (r == '.') {
                    yield State.FLOAT_START;
                }
                if (isNumberSuffix(r)) {
                    yield State.CONVENIENT_NUMBER;
                }
                backup();
                emit(Type.INTEGER);
                yield pop();
            }
            case FLOAT_START -> {
                int r = next();
                if (!Character.isDigit(r)) {
                    yield error("floats must have a digit after the '.', found " + show(r));
                }
                yield State.FLOAT;
            }
            case FLOAT -> {
                int r = next();
                if (Character.isDigit(r)) {
                    yield State.FLOAT;
                }
                if (r == '.') {
                    yield State.IP_ADDR;
                }
                backup();
                emit(Type.FLOAT);
                yield pop();
            }
            case IP_ADDR -> {
                int r = next();
                if (Character.isDigit(r) || r == '.' || r == ':' || r == '-') {
                    yield State.IP_ADDR;
                }
                backup();
                emit(Type.STRING);
                yield pop();
            }
            case COMMENT_START -> {
                ignore();
                emit(Type.COMMENT_START);
                yield State.COMMENT;
            }
            case COMMENT -> {
                int r = peek();
                if (isNL(r) || r == EOF) {
                    emit(Type.TEXT);
                    yield pop();
                }
                next();
                yield State.COMMENT;
            }
            case STOPPED -> State.STOPPED;
        };
    }

    private State topEof() {
        if (pos > start) {
            return error("unexpected " + show(input.codePointAt(start)) + " where a key was expected");
        }
        emit(Type.EOF);
        return State.STOPPED;
    }

    /** nats-server ends quietly when nothing was read yet, and fails when something was. */
    private State eofOrError(String message) {
        if (pos > start) {
            return error(message);
        }
        emit(Type.EOF);
        return State.STOPPED;
    }

    private State keyCheckKeyword(State fallThrough, State pushState) {
        if (goLower(input.substring(start, pos)).equals("include")) {
            ignore();
            if (pushState != null) {
                push(pushState);
            }
            return State.INCLUDE_START;
        }
        emit(Type.KEY);
        return fallThrough;
    }

    private boolean isBool() {
        String s = goLower(input.substring(start, pos));
        return switch (s) {
            case "true", "false", "on", "off", "yes", "no" -> true;
            default -> false;
        };
    }

    /** Go's strings.ToLower: simple per-character mapping (unlike String.toLowerCase, 'İ' becomes 'i'). */
    static String goLower(String s) {
        StringBuilder lower = new StringBuilder(s.length());
        s.codePoints().forEach(c -> lower.appendCodePoint(Character.toLowerCase(c)));
        return lower.toString();
    }

    private static int hexValue(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static boolean isNumberSuffix(int r) {
        return switch (r) {
            case 'k', 'K', 'm', 'M', 'g', 'G', 't', 'T', 'p', 'P', 'e', 'E' -> true;
            default -> false;
        };
    }

    private static boolean isKeySeparator(int r) {
        return r == '=' || r == ':';
    }

    private static boolean isWhitespace(int r) {
        return r == '\t' || r == ' ';
    }

    private static boolean isNL(int r) {
        return r == '\n' || r == '\r';
    }

    /** Go's unicode.IsSpace, which differs from both Character.isWhitespace and isSpaceChar. */
    static boolean isSpace(int r) {
        if (r <= 0xFF) {
            return r == '\t' || r == '\n' || r == 0x0B || r == '\f' || r == '\r' || r == ' ' || r == 0x85 || r == 0xA0;
        }
        return r == 0x1680
                || (r >= 0x2000 && r <= 0x200A)
                || r == 0x2028
                || r == 0x2029
                || r == 0x202F
                || r == 0x205F
                || r == 0x3000;
    }
}
