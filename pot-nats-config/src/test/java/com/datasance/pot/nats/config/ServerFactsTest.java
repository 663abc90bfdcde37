package com.datasance.pot.nats.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.api.ServerFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facts the purge module takes from a config, as api values. */
class ServerFactsTest {

    @TempDir
    Path dir;

    @Test
    void shouldGiveOperatorModeResolverStoreAndSystemAccountResolvedAgainstTheConfigDir() throws Exception {
        Path conf = Files.writeString(dir.resolve("server.conf"), """
                operator: op.jwt
                system_account: ADMIN
                resolver { type: full, dir: "./jwt" }
                jetstream { store_dir: data }
                """);

        ServerFacts facts = NatsConfigReader.readServerFacts(conf, Map.of());

        assertEquals(Optional.of(conf.toAbsolutePath()), facts.configFile());
        assertTrue(facts.operatorMode());
        assertEquals(List.of(dir.resolve("op.jwt")), facts.operatorJwtFiles());
        assertEquals(Optional.of("ADMIN"), facts.systemAccount());
        assertEquals(ServerFacts.ResolverType.FULL, facts.resolver());
        assertEquals(Optional.of(dir.resolve("jwt")), facts.resolverDir());
        assertEquals(3, facts.resolverOrigin().orElseThrow().line());
        assertEquals(Optional.of(dir.resolve("data")), facts.storeDir());
    }

    @Test
    void shouldSayNoResolverAndNoJetStreamForStaticAccounts() throws Exception {
        Path conf = Files.writeString(dir.resolve("server.conf"), "accounts { A { users: [{user: a}] } }\n");

        ServerFacts facts = NatsConfigReader.readServerFacts(conf, Map.of());

        assertFalse(facts.operatorMode());
        assertEquals(ServerFacts.ResolverType.NONE, facts.resolver());
        assertEquals(Optional.empty(), facts.storeDir());
        assertEquals(conf.toAbsolutePath().toString(), facts.source());
    }

    @Test
    void shouldSayCacheForACacheResolver() throws Exception {
        Path conf =
                Files.writeString(dir.resolve("server.conf"), "operator: op.jwt\nresolver { type: cache, dir: jwt }\n");

        assertEquals(
                ServerFacts.ResolverType.CACHE,
                NatsConfigReader.readServerFacts(conf, Map.of()).resolver());
    }
}
