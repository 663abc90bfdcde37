package com.datasance.pot.nats.jetstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * One {@code <KEY>.jwt} of the resolver directory, read for the claims push: what is sent is
 * exactly an account JWT whose subject is the file's key, from a regular file (never through a
 * symlink, which could point at creds), of bounded size. Anything else is rejected with why; the
 * content of a rejected file is never kept or printed.
 */
sealed interface ClaimsFile {

    /** An account JWT to push: the account, the JWT (trimmed, ASCII), the SHA-256 of it. */
    record Candidate(String account, String jwt, String digest) implements ClaimsFile {
        byte[] body() {
            return jwt.getBytes(StandardCharsets.US_ASCII);
        }
    }

    record Rejected(String why) implements ClaimsFile {}

    ObjectMapper JSON = new ObjectMapper();

    /**
     * What a stat (without following links) says about a file: enough to tell that it was not
     * rewritten since it was last read, as long as its mtime is not too recent to trust.
     */
    record Stamp(Object fileKey, long size, long mtimeNanos) {}

    /** The file's {@link Stamp}, or empty when it is not a regular file or cannot be stat'ed. */
    static java.util.Optional<Stamp> stamp(Path path) {
        try {
            BasicFileAttributes attributes =
                    Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attributes.isRegularFile()
                    ? java.util.Optional.of(new Stamp(
                            attributes.fileKey(),
                            attributes.size(),
                            attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS)))
                    : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    static ClaimsFile read(Path path, String key) {
        if (!PurgePlan.isAccountKey(key)) {
            return new Rejected("the name is not '<account public key>.jwt'");
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return new Rejected("cannot stat it: " + e.getClass().getSimpleName());
        }
        if (attributes.isSymbolicLink()) {
            return new Rejected("it is a symbolic link (never followed)");
        }
        if (!attributes.isRegularFile()) {
            // a FIFO would block the read; a directory is no JWT
            return new Rejected("it is not a regular file");
        }
        if (attributes.size() > JetStreamReconciler.MAX_JWT_BYTES) {
            return new Rejected("it has " + attributes.size() + " bytes, more than " + JetStreamReconciler.MAX_JWT_BYTES
                    + " allowed");
        }
        byte[] body;
        // NOFOLLOW_LINKS: O_NOFOLLOW, so a symlink swapped in after the stat fails the open.
        try (SeekableByteChannel channel =
                Files.newByteChannel(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            // The size as stat'ed plus one byte: a file that grew since is rejected, not read on.
            ByteBuffer buffer = ByteBuffer.allocate((int) attributes.size() + 1);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read until end of file or one byte past the stat'ed size
            }
            if (!buffer.hasRemaining()) {
                return new Rejected("it grew while it was read");
            }
            body = Arrays.copyOf(buffer.array(), buffer.position());
        } catch (IOException e) {
            return new Rejected("cannot read it: " + e.getClass().getSimpleName());
        }
        byte[] jwt = trim(body);
        String subject = accountSubject(jwt);
        if (subject == null) {
            // empty while nats-server rewrites it in place (O_TRUNC), or not a JWT at all
            return new Rejected("its content is not an account JWT (" + jwt.length + " bytes)");
        }
        if (!subject.equals(key)) {
            return new Rejected("the JWT's subject is not the file's key");
        }
        return new Candidate(key, new String(jwt, StandardCharsets.US_ASCII), sha256(jwt));
    }

    /**
     * Whether {@code body} (surrounding whitespace allowed) is an account JWT whose subject is
     * {@code account}. The signature is not checked: nats-server does that; this tells a JWT from
     * an emptied, truncated or foreign file.
     */
    static boolean isAccountJwtOf(byte[] body, String account) {
        return account.equals(accountSubject(trim(body)));
    }

    /** The {@code sub} of an account JWT (v2 {@code nats.type}, or v1 {@code type}), or null. */
    private static String accountSubject(byte[] jwt) {
        String text = new String(jwt, StandardCharsets.US_ASCII);
        String[] parts = text.split("\\.", -1);
        if (parts.length != 3 || parts[1].isEmpty() || !base64Url(text)) {
            // Only the three base64url parts: an account JWT with anything appended (a seed, a
            // creds file's armour) would be copied or pushed whole.
            return null;
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            String type =
                    claims.path("nats").path("type").asText(claims.path("type").asText(""));
            JsonNode sub = claims.get("sub");
            return "account".equals(type) && sub != null && sub.isTextual() ? sub.asText() : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether {@code text} holds only base64url characters and dots. */
    private static boolean base64Url(String text) {
        return text.chars()
                .allMatch(c -> (c >= 'A' && c <= 'Z')
                        || (c >= 'a' && c <= 'z')
                        || (c >= '0' && c <= '9')
                        || c == '-'
                        || c == '_'
                        || c == '.');
    }

    /** JWT files written by hand often end with a newline; nats-server decodes the token exactly. */
    private static byte[] trim(byte[] body) {
        int start = 0;
        int end = body.length;
        while (end > start && Character.isWhitespace(body[end - 1])) {
            end--;
        }
        while (start < end && Character.isWhitespace(body[start])) {
            start++;
        }
        return start == 0 && end == body.length ? body : Arrays.copyOfRange(body, start, end);
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
