package com.datasance.pot.nats.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.jetstream.PurgeOutcome;
import com.datasance.pot.nats.jetstream.PurgeSkipReason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconcileCommandTest {

    @Test
    void shouldPrintAStoreEntryNamedWithANewlineOnOneLine() {
        String line = ReconcileCommand.line(
                new PurgeOutcome.Skipped("A\n[pot-nats] [INF] forged", PurgeSkipReason.NOT_AN_ACCOUNT_KEY));

        assertFalse(line.contains("\n"), line);
        assertEquals("kept 'A\\n[pot-nats] [INF] forged': the name is not a valid account public key", line);
    }

    @Test
    void shouldSayHowToPurgeAtOnceWhenAOneShotPassWaitsOutTheGrace() {
        String line = ReconcileCommand.line(
                new PurgeOutcome.Skipped("ABC", PurgeSkipReason.IN_GRACE_PERIOD, "absent since X, due at Y"));

        assertTrue(line.contains("NATS_PURGE_GRACE=0"), line);
    }

    @Test
    void shouldQuoteAMessageOnceOnOneLine() {
        String line = ReconcileCommand.line(new PurgeOutcome.Failed(
                "ABC", PurgeOutcome.FailureKind.TIMEOUT, "no reply within '10s' on 'x'\nforged"));

        assertEquals("failed ABC: no reply within '10s' on 'x'\\nforged", line);
    }

    @Test
    void shouldSayWhyNatsConfCannotBeReadWithItsNameQuotedOnce(@TempDir Path dir) throws Exception {
        Path conf = Files.createDirectory(dir.resolve("dir.conf"));
        LauncherSettings settings = LauncherSettings.fromEnvironment(Map.of("NATS_CONF", conf.toString()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int status = ReconcileCommand.run(settings, Map.of(), true, new PrintStream(bytes, true, UTF_8));

        String output = bytes.toString(UTF_8);
        assertEquals(Main.INTERNAL_ERROR, status, output);
        assertTrue(output.startsWith("cannot read NATS_CONF: "), output);
        assertTrue(output.contains(" '" + conf + "' is not a regular file"), output);
        assertFalse(output.contains("\\"), output);
        assertEquals(1, output.lines().count(), output);
    }
}
