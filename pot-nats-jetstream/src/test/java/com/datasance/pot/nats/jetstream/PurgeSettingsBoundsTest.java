package com.datasance.pot.nats.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The limits the settings accept, each exactly at its bound, and whether a pass would send. */
class PurgeSettingsBoundsTest {

    @TempDir
    Path dir;

    private PurgeSettings.Builder operatorMode() throws Exception {
        String system = new String(io.nats.client.NKey.createAccount(new java.security.SecureRandom())
                .getPublicKey());
        return PurgeSettings.builder()
                .resolverDir(dir.resolve("jwt"))
                .storeDir(dir.resolve("store"))
                .systemAccount(system);
    }

    @Test
    void shouldAcceptTheMinimumRequestTimeoutAndOneAttempt() throws Exception {
        PurgeSettings settings = operatorMode()
                .requestTimeout(PurgeSettings.MIN_REQUEST_TIMEOUT)
                .requestAttempts(1)
                .build();
        assertEquals(PurgeSettings.MIN_REQUEST_TIMEOUT, settings.requestTimeout());
        assertEquals(1, settings.requestAttempts());
        assertTrue(settings.operatorMode());
    }

    @Test
    void shouldRefuseJustBelowEachBound() {
        ReconcileException timeout = assertThrows(
                ReconcileException.class,
                () -> operatorMode()
                        .requestTimeout(PurgeSettings.MIN_REQUEST_TIMEOUT.minusMillis(1))
                        .build());
        // Durations as the NATS_* variables write them, not Java's 'PT4.999S'.
        assertTrue(
                timeout.getMessage().contains("request timeout 4.999s is below the minimum 5s"), timeout.getMessage());
        ReconcileException attempts = assertThrows(
                ReconcileException.class,
                () -> operatorMode().requestAttempts(0).build());
        assertTrue(attempts.getMessage().contains("must be at least 1"), attempts.getMessage());
    }

    @Test
    void shouldSendNothingWithoutCredsOrAConnectionHook() throws Exception {
        assertFalse(operatorMode().build().sends());
        assertTrue(operatorMode()
                .connection(new PurgeSettings.ConnectionHook(options -> {}, io.nats.client.Nats::connect))
                .build()
                .sends());
    }

    @Test
    void shouldAcceptNoGraceAtAll() throws Exception {
        assertEquals(Duration.ZERO, operatorMode().grace(Duration.ZERO).build().grace());
    }
}
