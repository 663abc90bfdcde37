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

    /**
     * One transition. Each state is one method, named after its function in nats-server's {@code
     * conf/lex.go} ({@code lexTop}, {@code lexMapKeyStart}, ...): it reads what it needs and returns
     * the state that follows. The enum dispatch keeps the explicit state stack allocation-free.
     */
    private State step(State current) {
        return switch (current) {
            case TOP -> lexTop();
            case TOP_VALUE_END -> lexTopValueEnd();
            case KEY_START -> lexKeyStart();
            case DUB_QUOTED_KEY -> lexQuotedKey('"', State.DUB_QUOTED_KEY);
            case QUOTED_KEY -> lexQuotedKey('\'', State.QUOTED_KEY);
            case INCLUDE_START -> lexIncludeStart();
            case INCLUDE -> lexInclude();
            case INCLUDE_QUOTED -> lexIncludeQuoted('\'', State.INCLUDE_QUOTED);
            case INCLUDE_DUB_QUOTED -> lexIncludeQuoted('"', State.INCLUDE_DUB_QUOTED);
            case INCLUDE_STRING -> lexIncludeString();
            case KEY -> lexKey();
            case KEY_END -> lexKeyEnd();
            case VALUE -> lexValue();
            case ARRAY_VALUE -> lexArrayValue();
            case ARRAY_VALUE_END -> lexArrayValueEnd();
            case ARRAY_END -> lexArrayEnd();
            case MAP_KEY_START -> lexMapKeyStart();
            case MAP_QUOTED_KEY -> lexMapQuotedKey('\'', State.MAP_QUOTED_KEY);
            case MAP_DUB_QUOTED_KEY -> lexMapQuotedKey('"', State.MAP_DUB_QUOTED_KEY);
            case MAP_KEY -> lexMapKey();
            case MAP_KEY_END -> lexMapKeyEnd();
            case MAP_VALUE -> lexMapValue();
            case MAP_VALUE_END -> lexMapValueEnd();
            case MAP_END -> lexMapEnd();
            case QUOTED_STRING -> lexQuotedString();
            case DUB_QUOTED_STRING -> lexDubQuotedString();
            case STRING -> lexString();
            case BLOCK -> lexBlock();
            case STRING_ESCAPE -> lexStringEscape();
            case STRING_BINARY -> lexStringBinary();
            case NUMBER_START -> lexDigitFirst("expected a digit", State.NUMBER);
            case NUMBER -> lexNumber();
            case CONVENIENT_NUMBER -> lexConvenientNumber();
            case DATE_AFTER_YEAR -> lexDateAfterYear();
            case NEG_NUMBER_START -> lexDigitFirst("expected a digit after '-'", State.NEG_NUMBER);
            case NEG_NUMBER -> lexNegNumber();
            case FLOAT_START -> lexFloatStart();
            case FLOAT -> lexFloat();
            case IP_ADDR -> lexIPAddr();
            case COMMENT_START -> lexCommentStart();
            case COMMENT -> lexComment();
            case STOPPED -> State.STOPPED;
        };
    }

    private State lexTop() {
        int r = next();
        if (isSpace(r)) {
            return skip(State.TOP);
        }
        if (r == '{') {
            // 2.9.10 skips '{' at the top level: a config may be wrapped in braces.
            return skip(State.TOP);
        }
        if (startsComment(r, State.TOP)) {
            return State.COMMENT_START;
        }
        if (r == '/' || r == EOF) {
            return topEof();
        }
        // Anything else starts a key.
        backup();
        push(State.TOP_VALUE_END);
        return State.KEY_START;
    }

    private State lexTopValueEnd() {
        int r = next();
        if (startsComment(r, State.TOP)) {
            return State.COMMENT_START;
        }
        if (r == '/' || isWhitespace(r)) {
            // nats-server falls through from a lone '/' to the whitespace case: it is skipped.
            return State.TOP_VALUE_END;
        }
        if (isNL(r) || r == EOF || r == ';' || r == ',' || r == '}') {
            return skip(State.TOP);
        }
        return error("expected a top-level value to end with a new line, comment or end of input, found " + show(r));
    }

    private State lexKeyStart() {
        int r = peek();
        if (isKeySeparator(r)) {
            return error("unexpected key separator " + show(r));
        }
        if (isSpace(r)) {
            return skipPeeked(State.KEY_START);
        }
        if (r == '"') {
            return skipPeeked(State.DUB_QUOTED_KEY);
        }
        if (r == '\'') {
            return skipPeeked(State.QUOTED_KEY);
        }
        ignore();
        next();
        return State.KEY;
    }

    /** lexQuotedKey and lexDubQuotedKey: a top-level key in quotes. */
    private State lexQuotedKey(int quote, State self) {
        int r = peek();
        if (r == quote) {
            emit(Type.KEY);
            return skipPeeked(State.KEY_END);
        }
        if (r == EOF) {
            return eofOrError("unexpected end of input in a quoted key");
        }
        next();
        return self;
    }

    private State lexIncludeStart() {
        int r = next();
        if (isWhitespace(r)) {
            return skip(State.INCLUDE_START);
        }
        backup();
        return State.INCLUDE;
    }

    private State lexInclude() {
        int r = next();
        if (r == '\'') {
            return skip(State.INCLUDE_QUOTED);
        }
        if (r == '"') {
            return skip(State.INCLUDE_DUB_QUOTED);
        }
        if (r == '[') {
            return error("expected an include file name, found the start of an array");
        }
        if (r == '{') {
            return error("expected an include file name, found the start of a map");
        }
        if (r == '(') {
            return error("expected an include file name, found the start of a block");
        }
        if (Character.isDigit(r) || r == '-') {
            return error("expected an include file name, found the start of a number");
        }
        if (r == '\\') {
            return error("expected an include file name, found an escape sequence");
        }
        if (isNL(r)) {
            return error("expected an include file name, found a new line");
        }
        backup();
        return State.INCLUDE_STRING;
    }

    /** lexIncludeQuoted and lexIncludeDubQuoted: an include file name in quotes. */
    private State lexIncludeQuoted(int quote, State self) {
        int r = next();
        if (r == quote) {
            return emitBeforeQuote(Type.INCLUDE);
        }
        if (r == EOF) {
            return error("unexpected end of input in a quoted include file name");
        }
        return self;
    }

    private State lexIncludeString() {
        int r = next();
        if (isNL(r) || r == EOF || r == ';' || r == '}' || isWhitespace(r)) {
            return emitBefore(Type.INCLUDE);
        }
        if (r == '\'') {
            return emitBeforeQuote(Type.INCLUDE);
        }
        return State.INCLUDE_STRING;
    }

    private State lexKey() {
        int r = peek();
        if (isSpace(r)) {
            return keyCheckKeyword(State.KEY_END, null);
        }
        if (isKeySeparator(r) || r == EOF) {
            emit(Type.KEY);
            return State.KEY_END;
        }
        next();
        return State.KEY;
    }

    private State lexKeyEnd() {
        int r = next();
        if (isSpace(r)) {
            return skip(State.KEY_END);
        }
        if (isKeySeparator(r)) {
            return skip(State.VALUE);
        }
        if (r == EOF) {
            // A key with no value at the end of input is accepted by 2.9.10 (newer servers reject it).
            emit(Type.EOF);
            return State.STOPPED;
        }
        backup();
        return State.VALUE;
    }

    private State lexValue() {
        int r = next();
        if (isWhitespace(r)) {
            return skip(State.VALUE);
        }
        if (r == '[') {
            ignore();
            emit(Type.ARRAY_START);
            return State.ARRAY_VALUE;
        }
        if (r == '{') {
            ignore();
            emit(Type.MAP_START);
            return State.MAP_KEY_START;
        }
        if (r == '\'') {
            return skip(State.QUOTED_STRING);
        }
        if (r == '"') {
            stringState = State.DUB_QUOTED_STRING;
            return skip(State.DUB_QUOTED_STRING);
        }
        if (r == '-') {
            return State.NEG_NUMBER_START;
        }
        if (r == '(') {
            return skip(State.BLOCK);
        }
        if (Character.isDigit(r)) {
            backup();
            return State.NUMBER_START;
        }
        if (r == '.') {
            return error("floats must start with a digit");
        }
        if (isNL(r)) {
            return error("expected a value, found a new line");
        }
        backup();
        stringState = State.STRING;
        return State.STRING;
    }

    private State lexArrayValue() {
        int r = next();
        if (isSpace(r)) {
            return skip(State.ARRAY_VALUE);
        }
        if (startsComment(r, State.ARRAY_VALUE)) {
            return State.COMMENT_START;
        }
        if (r == '/' || r == ',') {
            // 2.9.10 reports a lone '/' here with the ',' message.
            return error("unexpected array value terminator ','");
        }
        if (r == ']') {
            return State.ARRAY_END;
        }
        backup();
        push(State.ARRAY_VALUE_END);
        return State.VALUE;
    }

    private State lexArrayValueEnd() {
        int r = next();
        if (isWhitespace(r)) {
            return skip(State.ARRAY_VALUE_END);
        }
        if (startsComment(r, State.ARRAY_VALUE_END)) {
            return State.COMMENT_START;
        }
        if (r == '/' || r == ',' || isNL(r)) {
            // nats-server falls through from a lone '/' to the separator case.
            return skip(State.ARRAY_VALUE);
        }
        if (r == ']') {
            return State.ARRAY_END;
        }
        return error("expected ',' or ']' after an array value, found " + show(r));
    }

    private State lexArrayEnd() {
        ignore();
        emit(Type.ARRAY_END);
        return pop();
    }

    private State lexMapKeyStart() {
        int r = peek();
        if (isKeySeparator(r)) {
            return error("unexpected key separator " + show(r));
        }
        if (r == ']') {
            return error("unexpected ']' in a map");
        }
        if (isSpace(r)) {
            return skipPeeked(State.MAP_KEY_START);
        }
        if (r == '}') {
            return skipPeeked(State.MAP_END);
        }
        switch (r) {
            case '#', '/' -> {
                next();
                if (startsComment(r, State.MAP_KEY_START)) {
                    return State.COMMENT_START;
                }
                // A lone '/': nats-server backs up one rune and starts the key after the '/'.
            }
            case '\'' -> {
                return skipPeeked(State.MAP_QUOTED_KEY);
            }
            case '"' -> {
                return skipPeeked(State.MAP_DUB_QUOTED_KEY);
            }
            case EOF -> {
                return error("unexpected end of input in a map; expected '}'");
            }
            default -> {
                // Anything else starts a key.
            }
        }
        ignore();
        next();
        return State.MAP_KEY;
    }

    /** lexMapQuotedKey and lexMapDubQuotedKey: a map key in quotes. */
    private State lexMapQuotedKey(int quote, State self) {
        int r = peek();
        if (r == EOF) {
            return error("unexpected end of input in a quoted map key");
        }
        if (r == quote) {
            emit(Type.KEY);
            return skipPeeked(State.MAP_KEY_END);
        }
        next();
        return self;
    }

    private State lexMapKey() {
        int r = peek();
        if (r == EOF) {
            return error("unexpected end of input in a map key");
        }
        if (isSpace(r)) {
            return keyCheckKeyword(State.MAP_KEY_END, State.MAP_VALUE_END);
        }
        if (isKeySeparator(r)) {
            emit(Type.KEY);
            return State.MAP_KEY_END;
        }
        next();
        return State.MAP_KEY;
    }

    private State lexMapKeyEnd() {
        int r = next();
        if (isSpace(r)) {
            return skip(State.MAP_KEY_END);
        }
        if (isKeySeparator(r)) {
            return skip(State.MAP_VALUE);
        }
        backup();
        return State.MAP_VALUE;
    }

    private State lexMapValue() {
        int r = next();
        if (isSpace(r)) {
            return skip(State.MAP_VALUE);
        }
        if (r == ',') {
            return error("unexpected map value terminator ','");
        }
        if (r == '}') {
            return skip(State.MAP_END);
        }
        backup();
        push(State.MAP_VALUE_END);
        return State.VALUE;
    }

    private State lexMapValueEnd() {
        int r = next();
        if (isWhitespace(r)) {
            return skip(State.MAP_VALUE_END);
        }
        if (startsComment(r, State.MAP_VALUE_END)) {
            return State.COMMENT_START;
        }
        if (r == '/' || r == ';' || r == ',' || isNL(r)) {
            // nats-server falls through from a lone '/' to the separator case.
            return skip(State.MAP_KEY_START);
        }
        if (r == '}') {
            return skip(State.MAP_END);
        }
        return error("expected ',' or '}' after a map value, found " + show(r));
    }

    private State lexMapEnd() {
        ignore();
        emit(Type.MAP_END);
        return pop();
    }

    private State lexQuotedString() {
        int r = next();
        if (r == '\'') {
            return emitBeforeQuote(Type.STRING);
        }
        if (r == EOF) {
            return eofOrError("unexpected end of input in a quoted string; expected \"'\"");
        }
        return State.QUOTED_STRING;
    }

    private State lexDubQuotedString() {
        int r = next();
        if (r == '\\') {
            addCurrentStringPart(1);
            return State.STRING_ESCAPE;
        }
        if (r == '"') {
            return emitBeforeQuote(Type.STRING);
        }
        if (r == EOF) {
            return eofOrError("unexpected end of input in a quoted string; expected '\"'");
        }
        return State.DUB_QUOTED_STRING;
    }

    private State lexString() {
        int r = next();
        if (r == '\\') {
            addCurrentStringPart(1);
            return State.STRING_ESCAPE;
        }
        if (isValueEnd(r) || r == ']') {
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
            return pop();
        }
        if (r == '\'') {
            return emitBeforeQuote(Type.STRING);
        }
        return State.STRING;
    }

    private State lexBlock() {
        int r = next();
        if (r == ')') {
            int close = pos - 1;
            // A block ends at a ')' alone on its line: preceded by '\n', followed by '\n' or the end.
            if (close == 0 || input.charAt(close - 1) != '\n') {
                return State.BLOCK;
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
                return pop();
            }
            backup();
            return State.BLOCK;
        }
        if (r == EOF) {
            return error("unexpected end of input in a block; expected ')' alone on a line");
        }
        return State.BLOCK;
    }

    private State lexStringEscape() {
        int r = next();
        return switch (r) {
            case 'x' -> State.STRING_BINARY;
            case 't' -> addStringPart("\t");
            case 'n' -> addStringPart("\n");
            case 'r' -> addStringPart("\r");
            case '"' -> addStringPart("\"");
            case '\\' -> addStringPart("\\");
            default ->
                error("invalid escape character " + show(r) + "; only \\xXX, \\t, \\n, \\r, \\\" and \\\\ are allowed");
        };
    }

    private State lexStringBinary() {
        int high = next();
        if (isNL(high)) {
            return error("expected two hexadecimal digits after '\\x', found the end of the line");
        }
        int low = next();
        if (isNL(low)) {
            return error("expected two hexadecimal digits after '\\x', found the end of the line");
        }
        int h = hexValue(high);
        int l = hexValue(low);
        if (h < 0 || l < 0) {
            return error("expected two hexadecimal digits after '\\x'");
        }
        partBytes.write(h * 16 + l);
        hasParts = true;
        start = pos;
        return stringState;
    }

    /** lexNumberStart and lexNegNumberStart: the first digit of a number ({@code expected} says what). */
    private State lexDigitFirst(String expected, State number) {
        int r = next();
        if (Character.isDigit(r)) {
            return number;
        }
        if (r == '.') {
            return error("floats must start with a digit, not '.'");
        }
        return error(expected + ", found " + show(r));
    }

    private State lexNumber() {
        int r = next();
        if (r == '-') {
            if (pos - start != 5) {
                return error("datetimes must be in full Zulu form (YYYY-MM-DDTHH:MM:SSZ)");
            }
            return State.DATE_AFTER_YEAR;
        }
        if (Character.isDigit(r)) {
            return State.NUMBER;
        }
        if (r == '.') {
            return State.FLOAT_START;
        }
        if (isNumberSuffix(r)) {
            return State.CONVENIENT_NUMBER;
        }
        if (!isValueEnd(r)) {
            // A value that starts with digits but is not a number is a string (e.g. '3xyz' is not).
            stringState = State.STRING;
            return State.STRING;
        }
        return emitBefore(Type.INTEGER);
    }

    private State lexConvenientNumber() {
        int r = next();
        if (r == 'b' || r == 'B' || r == 'i' || r == 'I') {
            return State.CONVENIENT_NUMBER;
        }
        if (isValueEnd(r) || Character.isDigit(r)) {
            return emitBefore(Type.INTEGER);
        }
        backup();
        stringState = State.STRING;
        return State.STRING;
    }

    private State lexDateAfterYear() {
        for (char f : ZULU_FORMAT) {
            int r = next();
            if (f == '0') {
                if (!Character.isDigit(r)) {
                    return error("expected a digit in the datetime, found " + show(r));
                }
            } else if (f != r) {
                return error("expected '" + f + "' in the datetime, found " + show(r));
            }
        }
        emit(Type.DATETIME);
        return pop();
    }

    private State lexNegNumber() {
        int r = next();
        if (Character.isDigit(r)) {
            return State.NEG_NUMBER;
        }
        if (r == '.') {
            return State.FLOAT_START;
        }
        if (isNumberSuffix(r)) {
            return State.CONVENIENT_NUMBER;
        }
        return emitBefore(Type.INTEGER);
    }

    private State lexFloatStart() {
        int r = next();
        if (!Character.isDigit(r)) {
            return error("floats must have a digit after the '.', found " + show(r));
        }
        return State.FLOAT;
    }

    private State lexFloat() {
        int r = next();
        if (Character.isDigit(r)) {
            return State.FLOAT;
        }
        if (r == '.') {
            return State.IP_ADDR;
        }
        return emitBefore(Type.FLOAT);
    }

    private State lexIPAddr() {
        int r = next();
        if (Character.isDigit(r) || r == '.' || r == ':' || r == '-') {
            return State.IP_ADDR;
        }
        return emitBefore(Type.STRING);
    }

    private State lexCommentStart() {
        ignore();
        emit(Type.COMMENT_START);
        return State.COMMENT;
    }

    private State lexComment() {
        int r = peek();
        if (isNL(r) || r == EOF) {
            emit(Type.TEXT);
            return pop();
        }
        next();
        return State.COMMENT;
    }

    // Helpers for the steps the states above share.

    /**
     * The comment check of every state between values: '#', or '//', starts a comment, after which
     * lexing resumes in {@code resume}. For a '/' not followed by another the lookahead is given back
     * and false returned: what a lone '/' means differs per state.
     */
    private boolean startsComment(int r, State resume) {
        if (r == '#') {
            push(resume);
            return true;
        }
        if (r == '/') {
            if (next() == '/') {
                push(resume);
                return true;
            }
            backup();
        }
        return false;
    }

    /** Drops what was read so far from the next token (skipped whitespace, an opening quote). */
    private State skip(State then) {
        ignore();
        return then;
    }

    /** Reads the character {@code peek()} returned and drops it, like {@link #skip}. */
    private State skipPeeked(State then) {
        next();
        return skip(then);
    }

    /** Emits the token that ends before the character just read, which is left for the next state. */
    private State emitBefore(Type type) {
        backup();
        emit(type);
        return pop();
    }

    /** Emits the token that ends before the closing quote just read, and drops the quote. */
    private State emitBeforeQuote(Type type) {
        backup();
        emit(type);
        next();
        ignore();
        return pop();
    }

    /** What ends an unquoted value or a number: a new line, the end, ';', ',', '}', a blank. */
    private static boolean isValueEnd(int r) {
        return isNL(r) || r == EOF || r == ';' || r == ',' || r == '}' || isWhitespace(r);
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
