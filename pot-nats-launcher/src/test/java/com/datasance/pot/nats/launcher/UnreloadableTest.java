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
    void shouldEscapeValuesOntoOneLine() throws Exception {
        assertEquals(List.of("server_name 'a' -> 'b\\nc'"), between("server_name: a\n", "server_name: \"b\\nc\"\n"));
    }
}
