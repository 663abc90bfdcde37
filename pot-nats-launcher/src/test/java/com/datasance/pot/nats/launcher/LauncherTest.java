package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Step 3: a config that does not parse is no reason to stop. */
class LauncherTest {

    @TempDir
    Path dir;

    @Test
    void shouldLogAnUnreadableConfigAndCarryOnWithoutIt() throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "jetstream {\n");
        assertEquals(Optional.empty(), ReloadService.readConfig(conf, Map.of()));
    }
}
