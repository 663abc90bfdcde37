package com.datasance.pot.nats.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerFactsTest {

    private static ServerFacts facts(List<Path> operatorJwts, Optional<Path> resolverDir, Optional<Path> storeDir) {
        return new ServerFacts(
                Optional.of(Path.of("/etc/nats/server.conf")),
                true,
                operatorJwts,
                Optional.of("ASYS"),
                ServerFacts.ResolverType.FULL,
                resolverDir,
                Optional.of(Origin.inMemory(3, 1)),
                storeDir);
    }

    @Test
    void shouldCopyTheOperatorJwtListAndNameItsSource() {
        List<Path> jwts = new ArrayList<>(List.of(Path.of("/etc/nats/op.jwt")));
        ServerFacts facts = facts(jwts, Optional.of(Path.of("/jwt")), Optional.of(Path.of("/data")));
        jwts.add(Path.of("/other.jwt"));

        assertEquals(List.of(Path.of("/etc/nats/op.jwt")), facts.operatorJwtFiles());
        assertEquals("/etc/nats/server.conf", facts.source());
        assertEquals(
                Origin.IN_MEMORY,
                new ServerFacts(
                                Optional.empty(),
                                false,
                                List.of(),
                                Optional.empty(),
                                ServerFacts.ResolverType.NONE,
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty())
                        .source());
    }

    @Test
    void shouldRejectRelativePathsNamingWhich() {
        IllegalArgumentException jwt = assertThrows(
                IllegalArgumentException.class,
                () -> facts(List.of(Path.of("op.jwt")), Optional.empty(), Optional.empty()));
        assertTrue(jwt.getMessage().contains("operator JWT file 'op.jwt'"), jwt.getMessage());
        IllegalArgumentException resolver = assertThrows(
                IllegalArgumentException.class, () -> facts(List.of(), Optional.of(Path.of("jwt")), Optional.empty()));
        assertTrue(resolver.getMessage().contains("resolver dir 'jwt'"), resolver.getMessage());
        IllegalArgumentException store = assertThrows(
                IllegalArgumentException.class, () -> facts(List.of(), Optional.empty(), Optional.of(Path.of("data"))));
        assertTrue(store.getMessage().contains("store dir 'data'"), store.getMessage());
        assertThrows(NullPointerException.class, () -> facts(List.of(), null, Optional.empty()));
    }
}
