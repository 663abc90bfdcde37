package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datasance.pot.nats.config.NatsConfigReader;
import com.datasance.pot.nats.watch.ChangeSet;
import com.datasance.pot.nats.watch.WatchedPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watched set the reload service derives from the settings and the parsed config. */
class ReloadServiceTest {

    /** The reload rules alone: nothing happens around a JWT change. */
    private static final JwtChangeHandler NO_JWT_HANDLING = new JwtChangeHandler() {
        @Override
        public void beforeReload(ChangeSet<ChangeCause> changes) {}

        @Override
        public void afterReload(ChangeSet<ChangeCause> changes) {}
    };

    @TempDir
    Path dir;

    private static final ServerControl NOTHING = new ServerControl() {
        @Override
        public CompletableFuture<OptionalLong> requestReload(String reason) {
            return CompletableFuture.completedFuture(OptionalLong.empty());
        }

        @Override
        public CompletableFuture<OptionalLong> restart(String reason) {
            return CompletableFuture.completedFuture(OptionalLong.empty());
        }

        @Override
        public void requestRestart(String reason) {}
    };

    private ReloadService service(Map<String, String> env) throws Exception {
        LauncherSettings settings = LauncherSettings.fromEnvironment(env);
        return new ReloadService(
                settings, Path.of("/bin/false"), env, Optional.empty(), Optional.empty(), NO_JWT_HANDLING, NOTHING);
    }

    @Test
    void shouldWatchIncludesAndTlsFilesAsConfigExceptThoseInsideAnotherWatchedPath() throws Exception {
        Path conf = dir.resolve("config/server.conf");
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, """
                include limits.conf
                tls { cert_file: "../certs/tls.crt", key_file: "/keys/tls.key" }
                """);
        Files.writeString(dir.resolve("config/limits.conf"), "max_payload: 1000\n");
        Map<String, String> env = Map.of(
                "NATS_CONF", conf.toString(),
                "NATS_ACCOUNTS", dir.resolve("config/accounts.conf").toString(),
                "NATS_SSL_DIR", dir.resolve("certs").toString(),
                "NATS_JWT_DIR", dir.resolve("jwt").toString(),
                "NATS_JWT_MOUNT_DIR", dir.resolve("jwt-mount").toString(),
                "NATS_CREDS_DIR", dir.resolve("creds").toString());
        List<WatchedPath<ChangeCause>> watched =
                service(env).watched(Optional.of(NatsConfigReader.readServerConfig(conf, env)));
        assertEquals(
                List.of(
                        new WatchedPath<>(conf, ChangeCause.CONFIG),
                        new WatchedPath<>(dir.resolve("config/limits.conf"), ChangeCause.CONFIG),
                        new WatchedPath<>(Path.of("/keys/tls.key"), ChangeCause.CONFIG),
                        new WatchedPath<>(dir.resolve("config/accounts.conf"), ChangeCause.ACCOUNTS),
                        new WatchedPath<>(dir.resolve("certs"), ChangeCause.SSL),
                        new WatchedPath<>(dir.resolve("jwt-mount"), ChangeCause.JWT),
                        new WatchedPath<>(dir.resolve("creds"), ChangeCause.CREDS)),
                watched);
        assertEquals(5, service(env).watched(Optional.empty()).size());
    }
}
