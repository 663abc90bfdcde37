package com.datasance.pot.nats.config;

import com.datasance.pot.nats.api.Origin;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file or directory a config refers to, resolved as nats-server resolves it: includes against
 * the including file's directory, everything else against the server's working directory (the
 * config file's directory under pot-nats). {@code path} is absolute and normalized; {@code key}
 * says where it was found, e.g. {@code leafnodes.remotes[0].tls.cert_file}.
 */
public record FileReference(Kind kind, Path path, String key, Origin origin) {

    public enum Kind {
        /** A file pulled in with {@code include}. */
        INCLUDE,
        TLS_CERT,
        TLS_KEY,
        TLS_CA,
        /** A trusted operator JWT file ({@code operator}). */
        OPERATOR_JWT,
        /** The directory of a {@code full} or {@code cache} JWT resolver. */
        RESOLVER_DIR,
        /** A leafnode remote's {@code credentials} file. */
        CREDENTIALS
    }

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
