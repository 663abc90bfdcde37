package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
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
    void shouldRejectAMonitorPortOtherThanNatsMonitorPort() throws Exception {
        OptionalInt natsMonitorPort = OptionalInt.of(8222);
        for (List<String> args : List.of(
                List.of("-m", "9000"),
                List.of("--http_port", "9000"),
                List.of("-m=9000"),
                List.of("--http_port=9000"),
                List.of("-DV", "-m", "9000"),
                List.of("-m", "8222", "-m", "0"))) {
            UsageException error = assertThrows(
                    UsageException.class,
                    () -> new Command.Run(args).checkMonitorPort(natsMonitorPort),
                    args.toString());
            assertTrue(
                    error.getMessage().contains("moves monitoring away from NATS_MONITOR_PORT=8222"),
                    error.getMessage());
            assertTrue(error.getMessage().contains("set NATS_MONITOR_PORT"), error.getMessage());
        }
        // The same port (a habit from the official image), anything after '--', a missing value
        // (nats-server's own error), and any port when the wrapper asks no /varz: accepted.
        for (List<String> args : List.of(
                List.of("-m", "8222"),
                List.of("--http_port=8222"),
                List.of("-DV", "--", "-m", "9000"),
                List.of("-m"),
                List.of("-ms", "9443"))) {
            new Command.Run(args).checkMonitorPort(natsMonitorPort);
        }
        new Command.Run(List.of("-m", "9000")).checkMonitorPort(OptionalInt.empty());
    }

    @Test
    void shouldReadGoFlagsAsNatsServerDoes() {
        assertEquals(Optional.of(new GoFlag("m", Optional.empty())), GoFlag.of("-m"));
        assertEquals(Optional.of(new GoFlag("http_port", Optional.of("1"))), GoFlag.of("--http_port=1"));
        assertEquals(Optional.of(new GoFlag("c", Optional.of(""))), GoFlag.of("-c="));
        assertEquals(Optional.empty(), GoFlag.of("m"));
        assertEquals(Optional.empty(), GoFlag.of("--"));
        assertEquals(Optional.empty(), GoFlag.of("---m"));
        assertTrue(GoFlag.of("-DV").orElseThrow().named("DV"));
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
