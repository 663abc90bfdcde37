package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LauncherSettingsTest {

    @Test
    void shouldUseTheDocumentedDefaults() throws Exception {
        LauncherSettings settings = LauncherSettings.fromEnvironment(Map.of());
        assertEquals(Path.of("/etc/nats/config/server.conf"), settings.conf());
        assertEquals(Path.of("/etc/nats/config/accounts.conf"), settings.accounts());
        assertEquals(Path.of("/etc/nats/certs"), settings.sslDir());
        assertEquals(Path.of("/etc/nats/jwt"), settings.jwtDir());
        assertEquals(Path.of("/etc/nats/creds"), settings.credsDir());
        assertEquals(Optional.empty(), settings.serverBin());
        assertEquals(OptionalInt.of(8222), settings.monitorPort());
        assertEquals(Optional.empty(), settings.sysUserCreds());
        assertEquals(URI.create("nats://127.0.0.1:4222"), settings.clientUrl());
        assertEquals(Optional.empty(), settings.jetStreamStoreDir());
        assertEquals(Optional.empty(), settings.jwtMountDir());
        assertEquals(ServerMode.SERVER, settings.mode());
        assertEquals(Duration.ofMillis(50), settings.reloadDebounce());
        assertEquals(Duration.ofSeconds(30), settings.configWait());
        assertEquals(Duration.ofSeconds(30), settings.shutdownTimeout());
        assertFalse(settings.lameDuck());
        assertFalse(settings.restartOnAccountRemoval());
        assertEquals(Duration.ofMinutes(5), settings.purgeGrace());
        assertFalse(settings.debug());
    }

    @Test
    void shouldReadAZeroPurgeGraceAsPurgeAtOnce() throws Exception {
        assertEquals(
                Duration.ZERO,
                LauncherSettings.fromEnvironment(Map.of("NATS_PURGE_GRACE", "0"))
                        .purgeGrace());
        assertEquals(
                Duration.ofSeconds(90),
                LauncherSettings.fromEnvironment(Map.of("NATS_PURGE_GRACE", "1m30s"))
                        .purgeGrace());
    }

    @Test
    void shouldReadEveryVariable() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("NATS_CONF", "/cfg/nats/server.conf");
        env.put("NATS_ACCOUNTS", "/cfg/nats/accounts.conf");
        env.put("NATS_SSL_DIR", "/tls");
        env.put("NATS_JWT_DIR", "/data/jwt");
        env.put("NATS_CREDS_DIR", "/creds");
        env.put("NATS_SERVER_BIN", "/opt/nats/nats-server");
        env.put("NATS_MONITOR_PORT", "9222");
        env.put("NATS_SYS_USER_CRED_PATH", "sys/user.creds");
        env.put("NATS_CLIENT_URL", "tls://nats.example:4443");
        env.put("NATS_JETSTREAM_STORE_DIR", "../js");
        env.put("NATS_JWT_MOUNT_DIR", "/mnt/jwt");
        env.put("NATS_SERVER_MODE", "LEAF");
        env.put("NATS_RELOAD_DEBOUNCE", "250ms");
        env.put("NATS_CONFIG_WAIT", "2m");
        env.put("NATS_SHUTDOWN_TIMEOUT", "1m30s");
        env.put("NATS_LAME_DUCK", "true");
        env.put("NATS_RESTART_ON_ACCOUNT_REMOVAL", "TRUE");
        env.put("POT_NATS_DEBUG", "1");
        LauncherSettings settings = LauncherSettings.fromEnvironment(env);
        assertEquals(Path.of("/cfg/nats/server.conf"), settings.conf());
        assertEquals(Path.of("/cfg/nats/accounts.conf"), settings.accounts());
        assertEquals(Path.of("/tls"), settings.sslDir());
        assertEquals(Path.of("/data/jwt"), settings.jwtDir());
        assertEquals(Path.of("/creds"), settings.credsDir());
        assertEquals(Optional.of(Path.of("/opt/nats/nats-server")), settings.serverBin());
        assertEquals(OptionalInt.of(9222), settings.monitorPort());
        assertEquals(Optional.of(Path.of("/creds/sys/user.creds")), settings.sysUserCreds());
        assertEquals(URI.create("tls://nats.example:4443"), settings.clientUrl());
        assertEquals(Optional.of(Path.of("/cfg/js")), settings.jetStreamStoreDir());
        assertEquals(Optional.of(Path.of("/mnt/jwt")), settings.jwtMountDir());
        assertEquals(ServerMode.LEAF, settings.mode());
        assertEquals(Duration.ofMillis(250), settings.reloadDebounce());
        assertEquals(Duration.ofMinutes(2), settings.configWait());
        assertEquals(Duration.ofSeconds(90), settings.shutdownTimeout());
        assertTrue(settings.lameDuck());
        assertTrue(settings.restartOnAccountRemoval());
        assertTrue(settings.debug());
    }

    @Test
    void shouldKeepAbsoluteCredsPathAndDisableMonitoringWithZero() throws Exception {
        LauncherSettings settings = LauncherSettings.fromEnvironment(
                Map.of("NATS_SYS_USER_CRED_PATH", "/secret/sys.creds", "NATS_MONITOR_PORT", "0"));
        assertEquals(Optional.of(Path.of("/secret/sys.creds")), settings.sysUserCreds());
        assertEquals(OptionalInt.empty(), settings.monitorPort());
    }

    @Test
    void shouldTreatEmptyAsUnset() throws Exception {
        LauncherSettings settings =
                LauncherSettings.fromEnvironment(Map.of("NATS_MONITOR_PORT", "", "NATS_SERVER_BIN", ""));
        assertEquals(OptionalInt.of(8222), settings.monitorPort());
        assertEquals(Optional.empty(), settings.serverBin());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "NATS_CONF|\"   \"|a file system path",
                "NATS_ACCOUNTS|\" \"|a file system path",
                "NATS_SSL_DIR|\" \"|a file system path",
                "NATS_JWT_DIR|\" \"|a file system path",
                "NATS_CREDS_DIR|\" \"|a file system path",
                "NATS_SERVER_BIN|\" \"|a file system path",
                "NATS_MONITOR_PORT|abc|a port number 1..65535, or 0 to disable monitoring",
                "NATS_MONITOR_PORT|-1|a port number 1..65535, or 0 to disable monitoring",
                "NATS_MONITOR_PORT|65536|a port number 1..65535, or 0 to disable monitoring",
                "NATS_SYS_USER_CRED_PATH|\" \"|a file system path",
                "NATS_CLIENT_URL|http://127.0.0.1:4222|a URL such as 'nats://127.0.0.1:4222' (schemes nats, tls, in lower case; port 1-65535)",
                "NATS_CLIENT_URL|nats://|a URL such as 'nats://127.0.0.1:4222' (schemes nats, tls, in lower case; port 1-65535)",
                "NATS_CLIENT_URL|not a url|a URL such as 'nats://127.0.0.1:4222' (schemes nats, tls, in lower case; port 1-65535)",
                "NATS_CLIENT_URL|ws://127.0.0.1:8080|a URL such as 'nats://127.0.0.1:4222' (schemes nats, tls, in lower case; port 1-65535)",
                "NATS_CLIENT_URL|NATS://127.0.0.1:4222|a URL such as 'nats://127.0.0.1:4222' (schemes nats, tls, in lower case; port 1-65535)",
                "NATS_CLIENT_URL|nats://127.0.0.1:99999|a URL such as 'nats://127.0.0.1:4222' (schemes nats, tls, in lower case; port 1-65535)",
                "NATS_CLIENT_URL|tls://127.0.0.1:0|a URL such as 'nats://127.0.0.1:4222' (schemes nats, tls, in lower case; port 1-65535)",
                "NATS_JETSTREAM_STORE_DIR|\" \"|a file system path",
                "NATS_JWT_MOUNT_DIR|\" \"|a file system path",
                "NATS_SERVER_MODE|hub|'server' or 'leaf'",
                "NATS_RELOAD_DEBOUNCE|-500ms|a non-negative duration such as '500ms', '30s', '2m' or '1h30m' (units ns, us, ms, s, m, h)",
                "NATS_RELOAD_DEBOUNCE|500|a non-negative duration such as '500ms', '30s', '2m' or '1h30m' (units ns, us, ms, s, m, h)",
                "NATS_CONFIG_WAIT|30 seconds|a non-negative duration such as '500ms', '30s', '2m' or '1h30m' (units ns, us, ms, s, m, h)",
                "NATS_SHUTDOWN_TIMEOUT|-30s|a non-negative duration such as '500ms', '30s', '2m' or '1h30m' (units ns, us, ms, s, m, h)",
                "NATS_SHUTDOWN_TIMEOUT|2562047h47m16.854775808s|at most '24h0m0s'",
                "NATS_LAME_DUCK|maybe|'true' or 'false'",
                "NATS_RESTART_ON_ACCOUNT_REMOVAL|enabled|'true' or 'false'",
                "NATS_PURGE_GRACE|-5m|a non-negative duration such as '500ms', '30s', '2m' or '1h30m' (units ns, us, ms, s, m, h)",
                "NATS_PURGE_GRACE|5 minutes|a non-negative duration such as '500ms', '30s', '2m' or '1h30m' (units ns, us, ms, s, m, h)",
                "POT_NATS_DEBUG|on|'true' or 'false'",
            })
    void shouldRejectBadValueNamingVariableValueAndAccepted(String variable, String value, String accepted) {
        UsageException error =
                assertThrows(UsageException.class, () -> LauncherSettings.fromEnvironment(Map.of(variable, value)));
        assertEquals("bad value for " + variable + ": '" + value + "'; expected " + accepted, error.getMessage());
    }

    private static String rejected(Map<String, String> env) {
        return assertThrows(UsageException.class, () -> LauncherSettings.fromEnvironment(env))
                .getMessage();
    }

    @Test
    void shouldAcceptOnlyAsciiDigits() {
        // Arabic-Indic digits: Integer.parseInt and Character.isDigit read them as 25001 and 1.
        String port = rejected(Map.of("NATS_MONITOR_PORT", "\u0662\u0665\u0660\u0660\u0661"));
        assertTrue(port.startsWith("bad value for NATS_MONITOR_PORT"), port);
        String duration = rejected(Map.of("NATS_RELOAD_DEBOUNCE", "\u0661s"));
        assertTrue(duration.startsWith("bad value for NATS_RELOAD_DEBOUNCE"), duration);
    }

    @Test
    void shouldPrintARejectedValueOnOneLine() {
        String message = rejected(Map.of("NATS_SERVER_MODE", "leaf\nserver"));
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains("'leaf\\nserver'"), message);
    }

    @Test
    void shouldNeverPrintTheUserInfoOfAUrl() {
        String message = rejected(Map.of("NATS_CLIENT_URL", "ws://admin:S3cretPass@nats.example:443"));
        assertFalse(message.contains("S3cretPass"), message);
        assertFalse(message.contains("admin"), message);
        assertTrue(message.contains("ws://***@nats.example:443"), message);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "nats://user:s3cr3tpw@127.0.0.1:4222x",
                "nats://user:s3cr3tpw@",
                "nats://:s3cr3tpw@/x",
                "nats://u%40x:s3cr3tpw@a@b:1",
            })
    void shouldNeverPrintTheUserInfoOfAMalformedUrl(String url) {
        String message = rejected(Map.of("NATS_CLIENT_URL", url));
        assertFalse(message.contains("s3cr3tpw"), message);
        assertFalse(message.contains("user"), message);
        assertTrue(message.startsWith("bad value for NATS_CLIENT_URL: 'nats://***@"), message);
    }

    @Test
    void shouldRejectAJwtMountDirThatIsOrHoldsOrLiesInTheJwtDir(@TempDir Path dir) throws Exception {
        Path jwt = dir.resolve("jwt");
        for (String mount : List.of(jwt.toString(), jwt + "/", jwt + "/mount", dir.toString(), jwt + "/../jwt")) {
            String message = rejected(Map.of("NATS_JWT_DIR", jwt.toString(), "NATS_JWT_MOUNT_DIR", mount));
            assertTrue(message.startsWith("bad value for NATS_JWT_MOUNT_DIR: '"), message);
            assertTrue(message.contains("and NATS_JWT_DIR '" + jwt + "'"), message);
            assertTrue(message.contains("must be different directories, neither inside the other"), message);
        }
        LauncherSettings apart = LauncherSettings.fromEnvironment(
                Map.of("NATS_JWT_DIR", jwt.toString(), "NATS_JWT_MOUNT_DIR", jwt + "-mount"));
        assertEquals(Optional.of(dir.resolve("jwt-mount")), apart.jwtMountDir());
    }

    @Test
    void shouldRejectAJwtMountDirThatIsTheJwtDirThroughASymlink(@TempDir Path dir) throws Exception {
        Path jwt = Files.createDirectory(dir.resolve("jwt"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), jwt);
        for (String mount : List.of(link.toString(), link + "/mount", link + "/not/yet")) {
            String message = rejected(Map.of("NATS_JWT_DIR", jwt.toString(), "NATS_JWT_MOUNT_DIR", mount));
            assertTrue(message.contains("must be different directories, neither inside the other"), message);
        }
        String reverse = rejected(Map.of("NATS_JWT_DIR", link + "/sub", "NATS_JWT_MOUNT_DIR", jwt.toString()));
        assertTrue(reverse.contains("must be different directories"), reverse);
    }

    @Test
    void shouldBoundTheDebounceAndTheWaits() throws Exception {
        String debounce = rejected(Map.of("NATS_RELOAD_DEBOUNCE", "100000h"));
        assertTrue(debounce.endsWith("expected at most '1h0m0s'"), debounce);
        assertEquals(
                Duration.ofHours(1),
                LauncherSettings.fromEnvironment(Map.of("NATS_RELOAD_DEBOUNCE", "1h"))
                        .reloadDebounce());
        String wait = rejected(Map.of("NATS_CONFIG_WAIT", "25h"));
        assertTrue(wait.endsWith("expected at most '24h0m0s'"), wait);
    }

    @Test
    void shouldReadRestartOnUnreloadable() throws Exception {
        assertFalse(LauncherSettings.fromEnvironment(Map.of()).restartOnUnreloadable());
        assertTrue(LauncherSettings.fromEnvironment(Map.of("NATS_RESTART_ON_UNRELOADABLE", "true"))
                .restartOnUnreloadable());
        String bad = rejected(Map.of("NATS_RESTART_ON_UNRELOADABLE", "maybe"));
        assertTrue(bad.startsWith("bad value for NATS_RESTART_ON_UNRELOADABLE"), bad);
    }
}
