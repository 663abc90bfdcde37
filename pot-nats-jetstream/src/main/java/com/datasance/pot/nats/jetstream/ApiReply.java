package com.datasance.pot.nats.jetstream;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * A reply from nats-server's JetStream API or system-account request handlers. The purge reply is
 * {@code {"type":"io.nats.jetstream.api.v1.account_purge_response","initiated":true}} or carries an
 * {@code error}; a claims update replies {@code {"data":{"account":...,"code":200,"message":...}}}
 * or {@code {"error":{"account":...,"code":500,"description":...}}}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ApiReply(String type, Boolean initiated, ApiError error, ClaimsData data) {

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ApiError(Integer code, @JsonProperty("err_code") Integer errCode, String description) {
        @Override
        public String toString() {
            return "code " + code + (errCode == null ? "" : ", err_code " + errCode) + ": '" + description + "'";
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ClaimsData(Integer code, String account, String message) {}

    static ApiReply parse(byte[] body) throws IOException {
        return JSON.readValue(body, ApiReply.class);
    }

    Optional<ApiError> errorIfAny() {
        return Optional.ofNullable(error);
    }

    boolean purgeInitiated() {
        return Boolean.TRUE.equals(initiated);
    }
}
