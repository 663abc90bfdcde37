package com.datasance.pot.nats.jetstream;

import com.datasance.pot.nats.api.SafeText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The few JWT claims the settings read: the account a creds file's user belongs to, and the system
 * account an operator JWT names. Only the public JWT is decoded (never verified: nats-server does
 * that); the seed of a creds file is never parsed, kept or printed.
 */
final class Jwts {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JWT_PREFIX = "eyJ";

    private Jwts() {}

    /**
     * The account of the user in {@code creds}: {@code nats.issuer_account} (a user signed by a
     * signing key), else {@code iss}.
     */
    static Optional<String> credsAccount(Path creds) throws ReconcileException {
        String jwt = firstJwt(creds, "creds");
        JsonNode claims = claims(jwt, creds, "creds");
        String issuerAccount = claims.path("nats").path("issuer_account").asText("");
        String account = issuerAccount.isEmpty() ? claims.path("iss").asText("") : issuerAccount;
        return account.isEmpty() ? Optional.empty() : Optional.of(account);
    }

    /** {@code nats.system_account} of the operator JWT in {@code file}, if it names one. */
    static Optional<String> operatorSystemAccount(Path file) {
        try {
            String account = claims(firstJwt(file, "operator JWT"), file, "operator JWT")
                    .path("nats")
                    .path("system_account")
                    .asText("");
            return account.isEmpty() ? Optional.empty() : Optional.of(account);
        } catch (ReconcileException e) {
            // nats-server itself refuses to start on an unreadable operator JWT; here it only
            // means the system account is not known from it.
            return Optional.empty();
        }
    }

    private static String firstJwt(Path file, String what) throws ReconcileException {
        // A regular file only, checked before it is opened (a FIFO blocked here for good), and
        // at most RegularFiles.MAX_BYTES. Scanned line by line, stopping at the JWT: the seed
        // that follows in a creds file is not parsed, and the bytes are cleared after.
        byte[] content = RegularFiles.read(file, RegularFiles.MAX_BYTES, what);
        try {
            for (String line : new String(content, StandardCharsets.UTF_8).split("\\R", -1)) {
                String trimmed = line.strip();
                if (trimmed.startsWith(JWT_PREFIX)) {
                    return trimmed;
                }
            }
        } finally {
            Arrays.fill(content, (byte) 0);
        }
        throw new ReconcileException(what + " " + SafeText.quote(file.toString())
                + " hold no JWT; expected a line starting with 'eyJ' (nsc writes creds and operator JWTs so)");
    }

    private static JsonNode claims(String jwt, Path file, String what) throws ReconcileException {
        int first = jwt.indexOf('.');
        int second = first < 0 ? -1 : jwt.indexOf('.', first + 1);
        if (second < 0) {
            throw new ReconcileException(what + " " + SafeText.quote(file.toString())
                    + " hold a JWT without a payload; expected header.payload.signature");
        }
        String payload = jwt.substring(first + 1, second);
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(payload));
        } catch (IOException | IllegalArgumentException e) {
            throw new ReconcileException(
                    what + " " + SafeText.quote(file.toString()) + " hold a JWT whose payload is not JSON: "
                            + SafeText.escape(String.valueOf(e.getMessage())),
                    e);
        }
    }
}
