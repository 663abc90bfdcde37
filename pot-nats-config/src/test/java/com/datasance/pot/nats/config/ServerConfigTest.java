package com.datasance.pot.nats.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.config.FileReference.Kind;
import com.datasance.pot.nats.config.ServerConfig.Resolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    @TempDir
    Path dir;

    private ServerConfig config(String text) throws Exception {
        return config(text, Map.of());
    }

    private ServerConfig config(String text, Map<String, String> env) throws Exception {
        Path file = dir.resolve("server.conf");
        Files.writeString(file, text);
        return NatsConfigReader.readServerConfig(file, env);
    }

    @Test
    void shouldResolveARelativeStoreDirAgainstTheConfigDirectoryAndAppendJetstream() throws Exception {
        ServerConfig config = config("jetstream { store_dir: \"./data/../js\" }");
        assertEquals(Optional.of(dir.resolve("js")), config.storeDir());
        assertEquals(Optional.of(dir.resolve("js/jetstream")), config.jetStreamDir());
    }

    @Test
    void shouldUseTmpdirNatsWhenNoStoreDirIsGiven() throws Exception {
        assertEquals(
                Optional.of(Path.of("/tmp/nats/jetstream")),
                config("jetstream: enabled").jetStreamDir());
        assertEquals(
                Optional.of(Path.of("/var/tmp/x/nats/jetstream")),
                config("jetstream {}", Map.of("TMPDIR", "/var/tmp/x")).jetStreamDir());
        assertEquals(
                Optional.of(Path.of("/tmp/nats/jetstream")),
                config("jetstream { store_dir: \"\" }").jetStreamDir());
    }

    @Test
    void shouldResolveARelativeTmpdirAgainstTheConfigDirectory() throws Exception {
        assertEquals(
                Optional.of(dir.resolve("t/nats/jetstream")),
                config("jetstream: true", Map.of("TMPDIR", "t")).jetStreamDir());
    }

    @Test
    void shouldResolveAStoreDirOverrideAsTheLauncherPassesIt() throws Exception {
        ServerConfig config = config("jetstream { store_dir: /ignored }");
        assertEquals(dir.resolve("over/jetstream"), config.jetStreamDirFor("./over"));
        assertEquals(Path.of("/abs/jetstream"), config.jetStreamDirFor("/abs/"));
        assertThrows(ConfigException.class, () -> config.jetStreamDirFor("bad\0path"));
    }

    @Test
    void shouldUseTmpdirWithoutNatsWhenBothLimitsAreSet() throws Exception {
        // jetstream.go: only the "dynamic" configuration (a limit unset) adds the 'nats' level.
        assertEquals(
                Optional.of(Path.of("/tmp/jetstream")),
                config("jetstream { max_mem: 1G, max_file: \"10G\" }").jetStreamDir());
        assertEquals(
                Optional.of(Path.of("/tmp/nats/jetstream")),
                config("jetstream { max_mem: 1G }").jetStreamDir());
    }

    @Test
    void shouldReadEveryEnablingForm() throws Exception {
        for (String text : List.of(
                "jetstream: true",
                "jetstream: yes",
                "jetstream: ON",
                "jetstream: enabled",
                "jetstream: \"Enable\"",
                "jetstream {}",
                "jetstream { enabled: true }",
                "JetStream: enabled",
                "jetstream: $JS")) {
            assertTrue(config(text, Map.of("JS", "true")).jetStreamEnabled(), text);
        }
        for (String text : List.of(
                "",
                "jetstream: false",
                "jetstream: disabled",
                "jetstream { enabled: false, store_dir: x }",
                "# jetstream: enabled",
                "accounts { A { jetstream: enabled } }",
                "jetstream: enabled\njetstream: off")) {
            assertFalse(config(text).jetStreamEnabled(), text);
        }
    }

    @Test
    void shouldRejectWhatNatsServerRejectsAboutJetStream() {
        for (String text : List.of(
                "jetstream: maybe",
                "jetstream: 1",
                "jetstream: [a]",
                "jetstream { store_dir: 5 }",
                "store_dir: a\njetstream { store_dir: b }",
                "jetstream { store: a, store_dir: b }",
                "jetstream { enabled: \"yes\" }",
                "jetstream { max_mem: \"64X\" }",
                "store_dir: [x]")) {
            assertThrows(ConfigException.class, () -> config(text), text);
        }
    }

    @Test
    void shouldRefuseSpellingsWhoseResultDependsOnNatsServersRandomOrder() throws Exception {
        ConfigException e =
                assertThrows(ConfigException.class, () -> config("jetstream: disabled\nJetStream { store_dir: x }"));
        assertTrue(e.getMessage().startsWith(dir.resolve("server.conf") + ":2:1: "), e.getMessage());
        // The same keys agreeing in every order are fine.
        assertTrue(config("jetstream: enabled\nJetStream { store_dir: x }").jetStreamEnabled());
    }

    @Test
    void shouldFindEveryReferencedFile() throws Exception {
        Files.writeString(dir.resolve("accounts.conf"), "system_account: SYS\n");
        String text = """
                include accounts.conf
                tls { cert_file: certs/server.pem, key_file: "certs/server-key.pem", ca_file: /etc/ca.pem }
                cluster { tls { cert_file: c.pem } }
                gateway { tls { key_file: g.key }, gateways: [ { name: x, tls { ca_file: gw-ca.pem } } ] }
                leafnodes {
                  tls { cert_file: leaf.pem }
                  remotes [ { url: "nats://h:7422", credentials: "/creds/leaf.creds", tls { ca_file: r-ca.pem } } ]
                }
                websocket { tls { cert_file: ws.pem } }
                mqtt { tls { key_file: mqtt.key } }
                operator: "./jwt/operator.jwt"
                resolver: { type: full, dir: "./jwt" }
                """;
        ServerConfig config = config(text);
        List<String> found = config.files().stream()
                .map(f -> f.kind() + " " + f.key() + " " + dir.relativize(f.path()))
                .toList();
        assertEquals(
                List.of(
                        "INCLUDE include accounts.conf",
                        "TLS_CERT tls.cert_file certs/server.pem",
                        "TLS_KEY tls.key_file certs/server-key.pem",
                        "TLS_CA tls.ca_file " + dir.relativize(Path.of("/etc/ca.pem")),
                        "TLS_CERT cluster.tls.cert_file c.pem",
                        "TLS_KEY gateway.tls.key_file g.key",
                        "TLS_CA gateway.gateways[0].tls.ca_file gw-ca.pem",
                        "TLS_CERT leafnodes.tls.cert_file leaf.pem",
                        "TLS_CA leafnodes.remotes[0].tls.ca_file r-ca.pem",
                        "CREDENTIALS leafnodes.remotes[0].credentials " + dir.relativize(Path.of("/creds/leaf.creds")),
                        "TLS_CERT websocket.tls.cert_file ws.pem",
                        "TLS_KEY mqtt.tls.key_file mqtt.key",
                        "OPERATOR_JWT operator jwt/operator.jwt",
                        "RESOLVER_DIR resolver.dir jwt"),
                found);
        assertEquals(Optional.of("SYS"), config.systemAccount());
        assertTrue(config.operatorMode());
        assertEquals(
                Optional.of(new Resolver(
                        Resolver.Type.FULL,
                        Optional.of(dir.resolve("jwt")),
                        config.resolver().orElseThrow().origin())),
                config.resolver());
        assertEquals(1, config.includes().size());
        assertEquals(4, config.filesOf(Kind.TLS_CERT).size());
    }

    @Test
    void shouldReadResolverFormsAndInlineOperators() throws Exception {
        assertEquals(
                Resolver.Type.MEMORY,
                config("resolver: MEMORY").resolver().orElseThrow().type());
        assertEquals(
                Resolver.Type.URL,
                config("resolver: URL(\"http://h:9090/jwt/v1/accounts/\")")
                        .resolver()
                        .orElseThrow()
                        .type());
        assertEquals(
                Resolver.Type.CACHE,
                config("resolver { type: cache, dir: c }")
                        .resolver()
                        .orElseThrow()
                        .type());
        ServerConfig inline = config("operator: eyJhbGciOi.payload.sig");
        assertTrue(inline.operatorMode());
        assertTrue(inline.filesOf(Kind.OPERATOR_JWT).isEmpty());
        assertFalse(config("port: 4222").operatorMode());
        assertThrows(ConfigException.class, () -> config("resolver { type: full, dir: \"\" }"));
        assertThrows(ConfigException.class, () -> config("operator: [a.jwt, b.jwt]"));
        assertThrows(ConfigException.class, () -> config("tls { cert_file: 1 }"));
        assertThrows(ConfigException.class, () -> config("system_account: { a: 1 }"));
    }

    @Test
    void shouldReadSystemAccountKeysWithExactCaseAsNatsServerDoes() throws Exception {
        assertEquals(Optional.of("S1"), config("system: S1").systemAccount());
        assertEquals(Optional.of("S2"), config("system_account: S2\nsystem: S1").systemAccount());
        assertEquals(Optional.empty(), config("SYSTEM_ACCOUNT: S3").systemAccount());
    }

    @Test
    void shouldReportTheNewIncludeSetWhenReadAgainAfterAChange() throws Exception {
        Files.writeString(dir.resolve("a.conf"), "x = 1\n");
        Files.writeString(dir.resolve("b.conf"), "y = 1\n");
        assertEquals(
                List.of(dir.resolve("a.conf")),
                config("include a.conf").includes().stream()
                        .map(FileReference::path)
                        .toList());
        assertEquals(
                List.of(dir.resolve("b.conf")),
                config("include b.conf").includes().stream()
                        .map(FileReference::path)
                        .toList());
    }
}
