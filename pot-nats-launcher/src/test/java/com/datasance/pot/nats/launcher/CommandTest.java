package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandTest {

    @Test
    void shouldRunWithNoArguments() throws Exception {
        assertEquals(new Command.Run(List.of()), Command.parse(new String[0]));
    }

    @Test
    void shouldPassArgumentsAfterRun() throws Exception {
        assertEquals(new Command.Run(List.of("-DV", "-n", "x")), Command.parse(new String[] {"run", "-DV", "-n", "x"}));
    }

    @Test
    void shouldTreatLeadingFlagsAsNatsServerArguments() throws Exception {
        assertEquals(new Command.Run(List.of("-DV")), Command.parse(new String[] {"-DV"}));
    }

    @Test
    void shouldRejectAConfigOtherThanNatsConfInNatsServerArguments() throws Exception {
        for (String[] argv : List.of(
                new String[] {"-c", "other.conf"},
                new String[] {"--config", "other.conf"},
                new String[] {"-c=other.conf"},
                new String[] {"--config=other.conf"},
                new String[] {"-config", "other.conf"},
                new String[] {"--c=other.conf"},
                new String[] {"run", "-DV", "-c", "other.conf"},
                new String[] {"-DV", "--config=other.conf"})) {
            UsageException error =
                    assertThrows(UsageException.class, () -> Command.parse(argv), String.join(" ", argv));
            assertTrue(
                    error.getMessage().contains("the config comes from NATS_CONF, not from -c/--config"),
                    error.getMessage());
            assertEquals(1, error.getMessage().lines().count(), error.getMessage());
        }
        // Other flags, and anything after '--' (Go's flag package stops there), still pass.
        assertEquals(
                new Command.Run(List.of("-cluster", "nats://127.0.0.1:6222", "--", "-c")),
                Command.parse(new String[] {"-cluster", "nats://127.0.0.1:6222", "--", "-c"}));
    }

    @Test
    void shouldKnowVersionAndHelp() throws Exception {
        assertEquals(new Command.Version(), Command.parse(new String[] {"version"}));
        assertEquals(new Command.Help(), Command.parse(new String[] {"--help"}));
        assertEquals(new Command.Help(), Command.parse(new String[] {"help"}));
    }

    @Test
    void shouldParseStoreDirWithAnAbsoluteConfigPath() throws Exception {
        Command.StoreDir expected =
                new Command.StoreDir(Path.of("conf/server.conf").toAbsolutePath());
        assertEquals(expected, Command.parse(new String[] {"store-dir", "--config", "conf/server.conf"}));
        assertEquals(expected, Command.parse(new String[] {"store-dir", "--config=conf/./server.conf"}));
        assertThrows(UsageException.class, () -> Command.parse(new String[] {"store-dir"}));
        assertThrows(UsageException.class, () -> Command.parse(new String[] {"store-dir", "--config", ""}));
        assertThrows(UsageException.class, () -> Command.parse(new String[] {"store-dir", "-c", "x.conf"}));
    }

    @Test
    void shouldParseReconcileWithAndWithoutDryRun() throws Exception {
        assertEquals(new Command.Reconcile(false), Command.parse(new String[] {"reconcile"}));
        assertEquals(new Command.Reconcile(true), Command.parse(new String[] {"reconcile", "--dry-run"}));
        UsageException error =
                assertThrows(UsageException.class, () -> Command.parse(new String[] {"reconcile", "--dry-run", "x"}));
        assertEquals("'reconcile' takes only '--dry-run', found '--dry-run x'", error.getMessage());
    }

    @Test
    void shouldRejectUnknownCommand() {
        UsageException error = assertThrows(UsageException.class, () -> Command.parse(new String[] {"serve"}));
        assertEquals(
                "unknown command 'serve'; expected 'run', 'store-dir', 'reconcile', 'version' or '--help' (see 'pot-nats --help')",
                error.getMessage());
        assertThrows(UsageException.class, () -> Command.parse(new String[] {"version", "extra"}));
    }
}
