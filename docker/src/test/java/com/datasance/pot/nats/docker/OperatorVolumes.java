package com.datasance.pot.nats.docker;

import com.datasance.pot.nats.testkit.OperatorFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One node's mounts for operator mode, made from an {@link OperatorFixture} (keys and JWTs made
 * on the host): {@code config/} (server.conf and operator.jwt, at /etc/nats/config), {@code jwt/}
 * (the full resolver's directory, writable, at /etc/nats/jwt), {@code creds/} (the system user's
 * creds only, at /etc/nats/creds) and {@code data/} (at /home/runner/data).
 */
record OperatorVolumes(Path config, Path jwt, Path creds, Path data) {

    /** The resolver, system account and JetStream lines of a config, with the container's paths. */
    static String operatorConfig(OperatorFixture fixture) {
        return """
                operator: /etc/nats/config/operator.jwt
                system_account: %s
                resolver {
                  type: full
                  dir: /etc/nats/jwt
                  allow_delete: false
                  interval: "2m"
                }
                """.formatted(fixture.system().publicKey());
    }

    /** The node's directories under {@code dir}, with {@code serverConf} as its config. */
    static OperatorVolumes create(OperatorFixture fixture, Path dir, String serverConf) {
        try {
            OperatorVolumes volumes = new OperatorVolumes(
                    Files.createDirectories(dir.resolve("config")),
                    Files.createDirectories(dir.resolve("jwt")),
                    Files.createDirectories(dir.resolve("creds")),
                    Files.createDirectories(dir.resolve("data")));
            Files.writeString(volumes.config().resolve("server.conf"), serverConf, StandardCharsets.UTF_8);
            Files.copy(fixture.dir().resolve("operator.jwt"), volumes.config().resolve("operator.jwt"));
            try (Stream<Path> jwts = Files.list(fixture.resolverDir())) {
                for (Path jwt : jwts.toList()) {
                    Files.copy(jwt, volumes.jwt().resolve(jwt.getFileName()));
                }
            }
            Files.copy(fixture.system().credsFile(), volumes.creds().resolve("SYS.creds"));
            ContainerFiles.readableByAll(volumes.config());
            ContainerFiles.readableByAll(volumes.creds());
            // The full resolver writes into its directory (claims pushes rewrite files in place).
            ContainerFiles.writableByAll(volumes.jwt());
            ContainerFiles.writableByAll(volumes.data());
            return volumes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the operator volumes under " + dir, e);
        }
    }

    /** The podman options that mount these directories at the contract's paths. */
    List<String> mountOptions() {
        List<String> options = new ArrayList<>();
        options.addAll(List.of("-v", config + ":/etc/nats/config:ro"));
        options.addAll(List.of("-v", jwt + ":/etc/nats/jwt"));
        options.addAll(List.of("-v", creds + ":/etc/nats/creds:ro"));
        options.addAll(List.of("-v", data + ":/home/runner/data"));
        return options;
    }

    /** {@code <data>/jetstream/<account>}, where nats-server keeps an account's streams. */
    Path accountStore(OperatorFixture.Account account) {
        return data.resolve("jetstream").resolve(account.publicKey());
    }

    /** True when the node's store still holds stream {@code stream} of {@code account}. */
    boolean hasStream(OperatorFixture.Account account, String stream) {
        return Files.isDirectory(accountStore(account).resolve("streams").resolve(stream));
    }
}
