package com.datasance.pot.nats.config;

import com.datasance.pot.nats.api.Origin;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file or directory a config refers to, resolved as nats-server resolves it: includes against
 * the including file's directory, everything else against the server's working directory (the
 * config file's directory under pot-nats). {@code path} is absolute and normalized; {@code key}
 * says where it was found, e.g. {@code leafnodes.remotes[0].tls.cert_file}.
 *
 * @param kind what the config uses the file for
 * @param path absolute and normalized; the file need not exist
 * @param key the config key path where it was found, e.g. {@code tls.cert_file}
 * @param origin where its value was written
 */
public record FileReference(Kind kind, Path path, String key, Origin origin) {

    /** What a config uses a referenced file for. */
    public enum Kind {
        /** A file pulled in with {@code include}. */
        INCLUDE,
        /** A {@code cert_file} of any {@code tls} block. */
        TLS_CERT,
        /** A {@code key_file} of any {@code tls} block. */
        TLS_KEY,
        /** A {@code ca_file} of any {@code tls} block. */
        TLS_CA,
        /** A trusted operator JWT file ({@code operator}). */
        OPERATOR_JWT,
        /** The directory of a {@code full} or {@code cache} JWT resolver. */
        RESOLVER_DIR,
        /** A leafnode remote's {@code credentials} file. */
        CREDENTIALS
    }

    /**
     * Validates the reference.
     *
     * @throws NullPointerException when an argument is null
     * @throws IllegalArgumentException when {@code path} is relative
     */
    public FileReference {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(origin, "origin");
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("file reference path must be absolute, got '" + path + "'");
        }
    }
}
