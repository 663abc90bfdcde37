package com.datasance.pot.nats.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code config_load_time} from nats-server's {@code /varz} on 127.0.0.1. A plain HTTP/1.0
 * request over a socket: one field of one local endpoint does not justify java.net.http and its
 * module in the image's runtime, nor a JSON parser.
 */
final class Varz {

    private static final Pattern CONFIG_LOAD_TIME = Pattern.compile("\"config_load_time\"\\s*:\\s*\"([^\"]*)\"");
    private static final int TIMEOUT_MILLIS = 2000;

    private Varz() {}

    /** The value, or empty when the endpoint does not answer (yet) or has no such field. */
    static Optional<String> configLoadTime(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write("GET /varz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher matcher = CONFIG_LOAD_TIME.matcher(response);
            return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
