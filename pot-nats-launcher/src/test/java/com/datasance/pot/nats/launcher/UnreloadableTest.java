package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datasance.pot.nats.config.ConfigValue.ConfigMap;
import com.datasance.pot.nats.config.NatsConfigReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnreloadableTest {

    private static ConfigMap parse(String text) throws Exception {
        return NatsConfigReader.parse(text, Path.of("/tmp"), Map.of()).root();
    }

    private static List<String> between(String before, String after) throws Exception {
        return Unreloadable.between(parse(before), parse(after)).stream()
                .map(Unreloadable.Change::toString)
                .toList();
    }

    @Test
    void shouldNameEachOptionNatsServerRefusesWithOldAndNewValue() throws Exception {
        assertEquals(
                List.of("server_name 'a' -> 'b'", "port '4222' -> '4333'", "jetstream.store_dir '/d1' -> '/d2'"),
                between(
                        "server_name: a\nport: 4222\nmax_payload: 1\njetstream { store_dir: /d1 }\n",
                        "server_name: b\nport: 4333\nmax_payload: 2\njetstream { store_dir: /d2 }\n"));
    }

    @Test
    void shouldAcceptReloadableChangesAndOtherSpellings() throws Exception {
        // max_payload and authorization are reloadable; 'PORT' and 'port' are one option.
        assertEquals(
                List.of(),
                between(
                        "PORT: 4222\nmax_payload: 1\n",
                        "port = 4222\nmax_payload: 2\nauthorization { user: a, password: secret }\n"));
    }

    @Test
    void shouldReportAnOptionAddedOrRemovedInABlock() throws Exception {
        assertEquals(
                List.of("lame_duck_duration '30s' -> (unset)", "cluster.port (unset) -> '6222'"),
                between("lame_duck_duration: 30s\ncluster { name: c }\n", "cluster { name: c, port: 6222 }\n"));
    }

    @Test
    void shouldEscapeValuesOntoOneLine() throws Exception {
        assertEquals(List.of("server_name 'a' -> 'b\\nc'"), between("server_name: a\n", "server_name: \"b\\nc\"\n"));
    }
}
