package com.datasance.pot.nats.jetstream;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * A reply to a {@code $SYS.REQ.SERVER.PING[.*]} request: {@code {"server":{"id":...},
 * "data":{...},"error":{...}}}. Only what the connection check and the connection count read.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ServerReply(Server server, Data data, ApiReply.ApiError error) {

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Server(String id, String name) {}

    /**
     * The parts of a CONNZ or LEAFZ answer used here.
     *
     * @param total CONNZ: the connections the account filter matched
     * @param leafnodes LEAFZ: the leafnode connections the account filter matched
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Data(Long total, Long leafnodes) {}

    static ServerReply parse(byte[] body) throws IOException {
        return JSON.readValue(body, ServerReply.class);
    }

    /** The answering server's id; a reply without one cannot be told apart and counts as one server. */
    String serverId() {
        return server == null || server.id() == null ? "" : server.id();
    }
}
