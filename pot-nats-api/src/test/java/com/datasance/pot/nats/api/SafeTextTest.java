package com.datasance.pot.nats.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SafeTextTest {

    @Test
    void shouldQuotePlainTextUnchanged() {
        assertEquals("'ACCOUNT'", SafeText.quote("ACCOUNT"));
        String plain = "store/jetstream/A1";
        assertSame(plain, SafeText.escape(plain));
    }

    @Test
    void shouldKeepEveryValueOnOneLine() {
        assertEquals("'A\\n[INF] forged'", SafeText.quote("A\n[INF] forged"));
        assertEquals("a\\rb\\tc\\u001b[31m", SafeText.escape("a\rb\tc\u001b[31m"));
        assertEquals("x\\u2028y\\u0085z", SafeText.escape("x\u2028y\u0085z"));
        assertEquals("it\\'s a \\\\ path", SafeText.escape("it's a \\ path"));
    }

    @Test
    void shouldNeverPrintTheUserInfoOfAUrl() {
        assertEquals("ws://***@host:4222", SafeText.redactUrl("ws://admin:S3cretPass@host:4222"));
        assertEquals("nats://***@127.0.0.1:4222", SafeText.redactUrl("nats://tok3n@127.0.0.1:4222"));
        assertEquals("nats://127.0.0.1:4222", SafeText.redactUrl("nats://127.0.0.1:4222"));
    }

    @Test
    void shouldMaskUserInfoOfMalformedUrlsToo() {
        String redacted = SafeText.redactUrl("nats://user:p ss{word}@host:4222");
        assertFalse(redacted.contains("p ss"), redacted);
        assertEquals("nats://***@host:4222", redacted);
        assertEquals("nats://***@h\\nx", SafeText.redactUrl("nats://u:secret@h\nx"));
    }

    @Test
    void shouldMaskUserInfoOfUrlsThatJavaReadsWithoutUserInfo() {
        // A bad port or an empty host makes java.net.URI read a registry authority, user info and
        // all: found by a red team in 'bad value for NATS_CLIENT_URL' lines.
        assertEquals("nats://***@127.0.0.1:4222x", SafeText.redactUrl("nats://user:s3cr3tpw@127.0.0.1:4222x"));
        assertEquals("nats://***@", SafeText.redactUrl("nats://u:p@"));
        assertEquals("nats://***@/x", SafeText.redactUrl("nats://:p@/x"));
        assertEquals("nats://***@b:1", SafeText.redactUrl("nats://u%40x:p@a@b:1"));
        assertEquals("nats://***@h2:4222", SafeText.redactUrl("nats://a:pw1@h1:4222,nats://b:pw2@h2:4222"));
        assertEquals("***@host:1", SafeText.redactUrl("u s:pw@host:1"));
    }

    @Test
    void shouldMaskBeforeTheAtOfAUriWithoutAuthority() {
        // An opaque URI has no user info for java.net.URI to find; the textual mask still hides it.
        assertEquals("***@host", SafeText.redactUrl("mailto:admin@host"));
        assertEquals("://***@host", SafeText.redactUrl("://user:pw@host"));
    }

    @Test
    void shouldEscapeValuesWithoutUserInfoWhole() {
        assertEquals("unix:/var/run/nats.sock", SafeText.redactUrl("unix:/var/run/nats.sock"));
        assertEquals("relative/dir@2", SafeText.redactUrl("relative/dir@2"));
        assertEquals("C:\\\\nats\\\\x y", SafeText.redactUrl("C:\\nats\\x y"));
    }

    @Test
    void shouldWriteDurationsAsGoDoes() {
        assertEquals("10s", SafeText.duration(Duration.ofSeconds(10)));
        assertEquals("0s", SafeText.duration(Duration.ZERO));
        assertEquals("500ms", SafeText.duration(Duration.ofMillis(500)));
        assertEquals("1.5s", SafeText.duration(Duration.ofMillis(1500)));
        assertEquals("1m30s", SafeText.duration(Duration.ofSeconds(90)));
        assertEquals("24h0m0s", SafeText.duration(Duration.ofDays(1)));
        assertEquals("-2s", SafeText.duration(Duration.ofSeconds(-2)));
    }

    @Test
    void shouldAcceptNull() {
        assertEquals("null", SafeText.escape(null));
        assertEquals("null", SafeText.redactUrl(null));
    }
}
