package com.datasance.pot.nats.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How changed paths appear in the watcher's log lines. */
class LoggedPathsTest {

    @Test
    void shouldQuoteEachPathAndKeepANewlineInANameOnOneLine() {
        String line = ContentWatcher.describe(List.of(Path.of("/mnt/config/a\nINFO forged"), Path.of("/mnt/it's")));

        assertEquals("'/mnt/config/a\\nINFO forged', '/mnt/it\\'s'", line);
    }

    @Test
    void shouldNameTheFirstTenPathsAndCountTheRest() {
        List<Path> paths = IntStream.range(0, 12)
                .mapToObj(i -> Path.of("/jwt/" + i + ".jwt"))
                .toList();

        String line = ContentWatcher.describe(paths);

        assertEquals(
                "'/jwt/0.jwt', '/jwt/1.jwt', '/jwt/2.jwt', '/jwt/3.jwt', '/jwt/4.jwt', '/jwt/5.jwt', '/jwt/6.jwt',"
                        + " '/jwt/7.jwt', '/jwt/8.jwt', '/jwt/9.jwt' and 2 more",
                line);
        assertEquals("'/jwt/0.jwt'", ContentWatcher.describe(paths.subList(0, 1)));
    }
}
