package com.datasance.pot.nats.launcher;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads {@code config_load_time} from nats-server's {@code /varz} on 127.0.0.1. A plain HTTP/1.0
 * request over a socket (one local endpoint does not justify java.net.http and its module in the
 * image's runtime), and Jackson's streaming parser, already in the jar for the purge module, for
 * the body: only the top-level field counts, never the same text inside another value.
 */
final class Varz {

    private static final int TIMEOUT_MILLIS = 2000;
    /** /varz is a few KiB; an answer this large is not nats-server's and is not read further. */
    static final int MAX_RESPONSE_BYTES = 1 << 20;

    private static final String FIELD = "config_load_time";
    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};
    private static final JsonFactory JSON = new JsonFactory();

    private Varz() {}

    /** The value, or empty when the endpoint does not answer (yet) or has no such field. */
    static Optional<String> configLoadTime(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write("GET /varz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] response = socket.getInputStream().readNBytes(MAX_RESPONSE_BYTES + 1);
            return response.length > MAX_RESPONSE_BYTES ? Optional.empty() : configLoadTime(response);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The field from a whole HTTP response: empty unless the status is 200 and the body an object. */
    static Optional<String> configLoadTime(byte[] response) {
        int headerEnd = indexOf(response, HEADER_END);
        if (headerEnd < 0 || !isOk(new String(response, 0, headerEnd, StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        int bodyStart = headerEnd + HEADER_END.length;
        try (JsonParser parser = JSON.createParser(response, bodyStart, response.length - bodyStart)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (FIELD.equals(name) && value == JsonToken.VALUE_STRING) {
                    return Optional.of(parser.getText());
                }
                parser.skipChildren();
            }
            return Optional.empty();
        } catch (IOException malformed) {
            return Optional.empty();
        }
    }

    /** Whether the status line, {@code HTTP/1.x 200 ...}, says 200. */
    private static boolean isOk(String head) {
        int lineEnd = head.indexOf("\r\n");
        String[] statusLine = (lineEnd < 0 ? head : head.substring(0, lineEnd)).split(" ", 3);
        return statusLine.length >= 2 && statusLine[0].startsWith("HTTP/1.") && statusLine[1].equals("200");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
