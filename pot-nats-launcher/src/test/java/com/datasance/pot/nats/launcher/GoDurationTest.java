package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "0s, 0",
        "500ms, 500000000",
        "30s, 30000000000",
        "2m, 120000000000",
        "1h30m, 5400000000000",
        "1.5s, 1500000000",
        "+5s, 5000000000",
        "100us, 100000",
        "100µs, 100000",
        "7ns, 7",
        "1m0.5s, 60500000000",
        ".5s, 500000000"
    })
    void shouldParseGoSpellings(String text, long nanos) {
        assertEquals(Duration.ofNanos(nanos), GoDuration.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1s", "-0.5s", "5", "s", "1x", "1.2.3s", "", "ms5", "10 s", "1e3s", ".s", "9999999999h"})
    void shouldRejectWhatGoRejectsAndNegatives(String text) {
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "500000000, 500ms", "30000000000, 30s", "5400000000000, 1h30m0s", "1500000000, 1.5s"})
    void shouldFormatAsGoPrints(long nanos, String text) {
        assertEquals(text, GoDuration.format(Duration.ofNanos(nanos)));
    }
}
