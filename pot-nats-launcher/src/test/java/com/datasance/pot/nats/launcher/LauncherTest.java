package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datasance.pot.nats.config.NatsConfigReader;
import com.datasance.pot.nats.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Step 3's outcome: where per-account JetStream data lives, from the environment or the config. */
class LauncherTest {

    @TempDir
    Path dir;

    @Test
    void shouldPreferNatsJetStreamStoreDirOverTheConfig() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "jetstream { store_dir: \"from-config\" }\n");
        Optional<ServerConfig> config = Optional.of(NatsConfigReader.readServerConfig(conf, Map.of()));
        LauncherSettings fromConfig = LauncherSettings.fromEnvironment(Map.of("NATS_CONF", conf.toString()));
        assertEquals(Optional.of(dir.resolve("from-config/jetstream")), Launcher.jetStreamDir(fromConfig, config));
        LauncherSettings fromEnv = LauncherSettings.fromEnvironment(
                Map.of("NATS_CONF", conf.toString(), "NATS_JETSTREAM_STORE_DIR", "from-env"));
        assertEquals(Optional.of(dir.resolve("from-env/jetstream")), Launcher.jetStreamDir(fromEnv, config));
        assertEquals(Optional.of(dir.resolve("from-env/jetstream")), Launcher.jetStreamDir(fromEnv, Optional.empty()));
        assertEquals(Optional.empty(), Launcher.jetStreamDir(fromConfig, Optional.empty()));
    }

    @Test
    void shouldLogAnUnreadableConfigAndCarryOnWithoutIt() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "jetstream {\n");
        assertEquals(Optional.empty(), ReloadService.readConfig(conf, Map.of()));
    }
}
