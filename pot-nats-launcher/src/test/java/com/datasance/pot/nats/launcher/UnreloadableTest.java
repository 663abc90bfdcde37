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
    void shouldLetJetStreamBeEnabledOrDisabledWithItsStorageByAReload() throws Exception {
        // nats-server 2.9.10 reloads both ("Reloaded: JetStream"); only a running JetStream's
        // storage cannot move.
        assertEquals(List.of(), between("max_payload: 1\n", "jetstream { store_dir: /d1, max_mem: 1G }\n"));
        assertEquals(List.of(), between("jetstream { store_dir: /d1 }\n", "max_payload: 2\n"));
        assertEquals(
                List.of(), between("jetstream { store_dir: /d1 }\n", "jetstream { store_dir: /d2, enabled: false }\n"));
        assertEquals(List.of(), between("jetstream: disabled\n", "jetstream { store: /d2 }\n"));
        assertEquals(
                List.of("jetstream.max_mem '1000000000' -> '2000000000'"),
                between("jetstream: { max_mem_store: 1G }\n", "jetstream: { max_mem: 2G }\n"));
    }

    @Test
    void shouldNameTheOtherOptionsNatsServerRefuses() throws Exception {
        assertEquals(
                List.of(
                        "http_base_path (unset) -> '/foo'",
                        "no_system_account (unset) -> 'true'",
                        "lame_duck_grace_period (unset) -> '5s'",
                        "disable_sublist_cache (unset) -> 'true'",
                        "no_header_support (unset) -> 'true'",
                        "default_js_domain (unset) -> '{A=hub}'"),
                between("max_payload: 1\n", """
                        http_base_path: /foo
                        no_system_account: true
                        lame_duck_grace_period: 5s
                        no_sublist_cache: true
                        no_header_support: true
                        default_js_domain: { A: hub }
                        """));
    }

    @Test
    void shouldReportAChangedGatewayWithoutPrintingItsPassword() throws Exception {
        List<String> changes = between(
                "max_payload: 1\n",
                "gateway { name: g, port: 7222, authorization { user: gw, password: GwS3cretPW } }\n");

        assertEquals(List.of("gateway (unset) -> (set) (values not printed)"), changes);
        assertEquals(
                List.of("gateway (set) -> (set) (values not printed)"),
                between(
                        "gateway { name: g, authorization { user: gw, password: one } }\n",
                        "gateway { name: g, authorization { user: gw, password: two } }\n"));
    }

    @Test
    void shouldCompareBlocksWithoutTheirTlsAndReloadableParts() throws Exception {
        assertEquals(List.of(), between("""
                        leafnodes { remotes [ { url: "nats://a:7422", tls { ca_file: /a } } ] }
                        mqtt { port: 1883, ack_wait: 30s }
                        """, """
                        leafnodes { remotes [ { url: "nats://a:7422", tls { ca_file: /b } } ] }
                        mqtt { port: 1883, ack_wait: 60s, max_ack_pending: 10 }
                        """));
        assertEquals(
                List.of("leafnodes (set) -> (set) (values not printed)", "mqtt (unset) -> (set) (values not printed)"),
                between(
                        "leafnodes { remotes [ { url: \"nats://a:7422\" } ] }\nmqtt { port: 1883 }\n",
                        "leafnodes { remotes [ { url: \"nats://b:7422\" } ] }\nmqtt { port: 1883, no_auth_user: x }\n"));
        assertEquals(
                List.of("jetstream encryption (unset) -> (set) (values not printed)"),
                between("jetstream { store_dir: /d1 }\n", "jetstream { store_dir: /d1, key: s3cret }\n"));
    }

    @Test
    void shouldRefuseTheTopLevelTlsFieldsNatsServerCopiesBesideItsTlsConfig() throws Exception {
        // 2.9.10: "config reload not supported for TLSMap", "... for TLSRateLimit", "... for AllowNonTLS".
        assertEquals(
                List.of(
                        "allow_non_tls (unset) -> 'true'",
                        "tls.verify_and_map (unset) -> 'true'",
                        "tls.connection_rate_limit (unset) -> '100'"),
                between(
                        "tls { cert_file: /c, key_file: /k }\n",
                        "allow_non_tls: true\ntls { cert_file: /c, key_file: /k, verify_and_map: true,"
                                + " connection_rate_limit: 100 }\n"));
        // Their defaults written out, and verify or a new certificate, reload.
        assertEquals(
                List.of(),
                between(
                        "tls { cert_file: /c, key_file: /k }\n",
                        "allow_non_tls: false\ntls { cert_file: /c2, key_file: /k2, verify: true,"
                                + " verify_and_map: false, connection_rate_limit: 0, timeout: 3 }\n"));
        assertEquals(
                List.of("tls.verify_and_map 'true' -> (unset)"),
                between("tls { cert_file: /c, key_file: /k, verify_and_map: true }\n", "max_payload: 2\n"));
    }

    @Test
    void shouldRefuseJetStreamLimitsEvenWithJetStreamOff() throws Exception {
        // 2.9.10 compares JetStreamLimits whole ("config reload not supported for JetStreamLimits").
        assertEquals(
                List.of(
                        "jetstream.limits.max_ack_pending '100' -> '200'",
                        "jetstream.limits.max_ha_assets (unset) -> '2'",
                        "jetstream.limits.max_request_batch '10' -> (unset)",
                        "jetstream.limits.duplicate_window '1m' -> '2m'"),
                between(
                        "jetstream { enabled: false, limits { max_ack_pending: 100, max_request_batch: 10,"
                                + " duplicate_window: \"1m\" } }\n",
                        "jetstream { enabled: false, limits { max_ack_pending: 200, max_ha_assets: 2,"
                                + " duplicate_window: \"2m\" } }\n"));
        assertEquals(
                List.of(),
                between(
                        "jetstream { store_dir: /d, limits { duplicate_window: \"2m\" } }\n",
                        "jetstream { store_dir: /d, limits { duplicate_window: \"120s\", max_ack_pending: 0 } }\n"));
    }

    @Test
    void shouldRefuseAddingOrRemovingAnAccountResolverWithoutPrintingIt() throws Exception {
        // "config reload does not support moving to or from an account resolver"; changing one reloads.
        assertEquals(
                List.of("resolver (unset) -> (set) (values not printed)"),
                between("max_payload: 1\n", "resolver: URL(\"http://u:S3cretPW@h/jwt/v1/accounts/\")\n"));
        assertEquals(
                List.of("resolver (set) -> (unset) (values not printed)"),
                between("account_resolver: MEMORY\n", "max_payload: 1\n"));
        assertEquals(List.of(), between("resolver: MEMORY\n", "accounts_resolver: { type: full, dir: /d }\n"));
    }

    @Test
    void shouldReadEveryOperatorSpelling() throws Exception {
        assertEquals(List.of("operator '/a.jwt' -> '/b.jwt'"), between("roots: /a.jwt\n", "root: /b.jwt\n"));
    }

    @Test
    void shouldRefuseTheTlsFieldsOfABlockNatsServerCompares() throws Exception {
        String cert = "cert_file: /c, key_file: /k";
        String gw = "gateway (set) -> (set) (values not printed)";
        String leaf = "leafnodes (set) -> (set) (values not printed)";
        String ws = "websocket (unset) -> (set) (values not printed)";
        // The refused part of the mqtt and websocket blocks (port aside) is their TLS fields alone here.
        String mqtt = "mqtt (unset) -> (set) (values not printed)";
        for (String key : List.of("verify_and_map: true", "timeout: 3", "pinned_certs: [ab]")) {
            assertEquals(
                    List.of(leaf),
                    between(
                            "leafnodes { port: 7422, tls { " + cert + " } }\n",
                            "leafnodes { port: 7422, tls { " + cert + ", " + key + " } }\n"),
                    key);
            assertEquals(
                    List.of(gw),
                    between(
                            "gateway { name: g, port: 7222, tls { " + cert + " } }\n",
                            "gateway { name: g, port: 7222, tls { " + cert + ", " + key + " } }\n"),
                    key);
            assertEquals(
                    List.of(mqtt),
                    between(
                            "mqtt { port: 1883, tls { " + cert + " } }\n",
                            "mqtt { port: 1883, tls { " + cert + ", " + key + " } }\n"),
                    key);
        }
        assertEquals(
                List.of(gw),
                between(
                        "gateway { name: g, tls { " + cert + " } }\n",
                        "gateway { name: g, tls { " + cert + ", verify_cert_and_check_known_urls: true } }\n"));
        for (String key : List.of("verify_and_map: true", "pinned_certs: [ab]")) {
            assertEquals(
                    List.of(ws),
                    between(
                            "websocket { port: 8080, tls { " + cert + " } }\n",
                            "websocket { port: 8080, tls { " + cert + ", " + key + " } }\n"),
                    key);
        }
        // Adding TLS to a leafnode or gateway listener changes its default auth timeout (refused)
        // unless the block sets one; a remote leafnode's TLS gets a timeout, a remote gateway's not.
        assertEquals(
                List.of(gw, "leafnodes (unset) -> (set) (values not printed)"),
                between(
                        "leafnodes { port: 7422 }\ngateway { name: g }\n",
                        "leafnodes { port: 7422, tls { " + cert + " } }\ngateway { name: g, tls { " + cert + " } }\n"));
        assertEquals(
                List.of(leaf),
                between(
                        "leafnodes { remotes [ { url: \"nats://a:7422\" } ] }\n",
                        "leafnodes { remotes [ { url: \"nats://a:7422\", tls { " + cert + " } } ] }\n"));
        assertEquals(
                List.of(gw),
                between(
                        "gateway { name: g, gateways [ { name: b, url: \"nats://b:7222\", tls { " + cert + " } } ] }\n",
                        "gateway { name: g, gateways [ { name: b, url: \"nats://b:7222\", tls { " + cert
                                + ", timeout: 4 } } ] }\n"));
    }

    @Test
    void shouldReloadTheTlsFieldsOfABlockNatsServerDoesNotCompare() throws Exception {
        String cert = "cert_file: /c, key_file: /k";
        assertEquals(List.of(), between("""
                        leafnodes { port: 7422, authorization { timeout: 5 } }
                        gateway { name: g, gateways [ { name: b, url: "nats://b:7222" } ] }
                        mqtt { port: 1883 }
                        cluster { port: 6222, tls { %1$s } }
                        websocket { port: 8080, tls { %1$s } }
                        """.formatted(cert), """
                        leafnodes { port: 7422, authorization { timeout: 5 }, tls { %1$s, verify: true } }
                        gateway { name: g, gateways [ { name: b, url: "nats://b:7222", tls { %1$s } } ] }
                        mqtt { port: 1883, tls { %1$s, timeout: 2 } }
                        cluster { port: 6222, tls { %1$s, verify_and_map: true, timeout: 5 } }
                        websocket { port: 8080, tls { cert_file: /c2, key_file: /k2, timeout: "3s" } }
                        """.formatted(cert)));
        assertEquals(
                List.of(),
                between(
                        "leafnodes { remotes [ { url: \"nats://a:7422\", tls { " + cert + " } } ] }\n",
                        "leafnodes { remotes [ { url: \"nats://a:7422\", tls { " + cert
                                + ", verify_and_map: true, timeout: 2 } } ] }\n"));
    }

    @Test
    void shouldEscapeValuesOntoOneLine() throws Exception {
        assertEquals(List.of("server_name 'a' -> 'b\\nc'"), between("server_name: a\n", "server_name: \"b\\nc\"\n"));
    }
}
