package com.datasance.pot.nats.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.NKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes NATS JWTs (the v2 claims format nats-server 2.9 and later decode): a header {@code
 * {"typ":"JWT","alg":"ed25519-nkey"}}, claims with {@code jti}, {@code iat}, {@code iss}, {@code
 * sub}, {@code name} and a {@code nats} object carrying {@code type} and {@code version: 2}, signed
 * with the issuer's nkey. Test-only: no expiry, no revocations, no signing keys.
 */
public final class NatsJwt {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER =
            B64.encodeToString("{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}".getBytes(StandardCharsets.UTF_8));

    private NatsJwt() {}

    /**
     * Unlimited account limits with JetStream enabled (-1 means unlimited to nats-server).
     *
     * @return the {@code limits} claim, modifiable so a test can set one limit
     */
    public static Map<String, Object> unlimitedAccountLimits() {
        Map<String, Object> limits = new LinkedHashMap<>();
        for (String key : new String[] {
            "subs",
            "data",
            "payload",
            "imports",
            "exports",
            "conn",
            "leaf",
            "mem_storage",
            "disk_storage",
            "streams",
            "consumer"
        }) {
            limits.put(key, -1);
        }
        limits.put("wildcards", true);
        return limits;
    }

    /**
     * A self-signed operator JWT.
     *
     * @param operator the operator's key pair (signs and is the subject)
     * @param name the operator's name claim
     * @param systemAccount the system account's public key, named in the claims
     * @return the encoded JWT
     */
    public static String operator(NKey operator, String name, String systemAccount) {
        Map<String, Object> nats = new LinkedHashMap<>();
        nats.put("system_account", systemAccount);
        nats.put("type", "operator");
        nats.put("version", 2);
        return sign(operator, publicKey(operator), name, nats);
    }

    /**
     * An account JWT signed by the operator.
     *
     * @param operator the signing operator's key pair
     * @param account the account's key pair (only its public key is used)
     * @param name the account's name claim
     * @param limits the {@code limits} claim, e.g. {@link #unlimitedAccountLimits()}
     * @return the encoded JWT
     */
    public static String account(NKey operator, NKey account, String name, Map<String, Object> limits) {
        Map<String, Object> nats = new LinkedHashMap<>();
        nats.put("limits", limits);
        nats.put("default_permissions", Map.of("pub", Map.of(), "sub", Map.of()));
        nats.put("type", "account");
        nats.put("version", 2);
        return sign(operator, publicKey(account), name, nats);
    }

    /**
     * A user JWT with no limits, signed by its account.
     *
     * @param account the signing account's key pair
     * @param user the user's key pair (only its public key is used)
     * @param name the user's name claim
     * @return the encoded JWT
     */
    public static String user(NKey account, NKey user, String name) {
        Map<String, Object> nats = new LinkedHashMap<>();
        nats.put("pub", Map.of());
        nats.put("sub", Map.of());
        nats.put("subs", -1);
        nats.put("data", -1);
        nats.put("payload", -1);
        nats.put("type", "user");
        nats.put("version", 2);
        return sign(account, publicKey(user), name, nats);
    }

    /**
     * The public key of {@code key} as a string (nkeys are ASCII).
     *
     * @param key a key pair or a public key
     * @return the public key, e.g. {@code A...} for an account
     * @throws IllegalStateException when jnats cannot read it
     */
    public static String publicKey(NKey key) {
        try {
            return new String(key.getPublicKey());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot read an nkey's public key", e);
        }
    }

    private static String sign(NKey issuer, String subject, String name, Map<String, Object> nats) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iat", System.currentTimeMillis() / 1000);
        claims.put("iss", publicKey(issuer));
        claims.put("name", name);
        claims.put("sub", subject);
        claims.put("nats", nats);
        try {
            // jti: a hash of the claims without jti, base32 without padding, as the Go jwt package does.
            byte[] withoutId = JSON.writeValueAsBytes(claims);
            Map<String, Object> withId = new LinkedHashMap<>();
            withId.put("jti", base32(MessageDigest.getInstance("SHA-256").digest(withoutId)));
            withId.putAll(claims);
            String body = B64.encodeToString(JSON.writeValueAsBytes(withId));
            String signingInput = HEADER + "." + body;
            byte[] signature = issuer.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(signature);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot encode claims", e);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot sign claims", e);
        }
    }

    private static String base32(byte[] data) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    /**
     * A creds file's text: the user JWT and its seed between the dashed markers jnats and the nats
     * CLI read. The seed is a secret; tests write it into a temp dir only.
     *
     * @param userJwt the user's JWT
     * @param user the user's key pair (its seed goes into the file)
     * @return the creds file's content
     */
    public static String creds(String userJwt, NKey user) {
        return "-----BEGIN NATS USER JWT-----\n" + userJwt + "\n------END NATS USER JWT------\n\n"
                + "-----BEGIN USER NKEY SEED-----\n" + new String(user.getSeed())
                + "\n------END USER NKEY SEED------\n";
    }
}
