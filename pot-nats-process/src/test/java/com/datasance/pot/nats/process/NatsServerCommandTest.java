package com.datasance.pot.nats.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The command line nats-server is started with, and the checks on its parts. */
class NatsServerCommandTest {

    @Test
    void shouldPutConfigThenMonitorPortThenPassThroughArguments() {
        NatsServerCommand command = new NatsServerCommand(
                Path.of("/bin/nats-server"), Path.of("/etc/nats/server.conf"), OptionalInt.of(8222), List.of("-DV"));
        assertEquals(List.of("/bin/nats-server", "-c", "/etc/nats/server.conf", "-m", "8222", "-DV"), command.argv());
        assertEquals("/bin/nats-server -c /etc/nats/server.conf -m 8222 -DV", command.commandLine());
        assertEquals(Path.of("/etc/nats"), command.workingDirectory());
    }

    @Test
    void shouldPassNoMonitorFlagWithoutAPort() {
        NatsServerCommand command =
                new NatsServerCommand(Path.of("nats-server"), Path.of("/s.conf"), OptionalInt.empty(), List.of());
        assertEquals(List.of("nats-server", "-c", "/s.conf"), command.argv());
        assertEquals(Path.of("/"), command.workingDirectory());
    }

    @Test
    void shouldMakeARelativeConfigAbsoluteSoTheWorkingDirectoryIsItsDirectory() {
        NatsServerCommand command =
                new NatsServerCommand(Path.of("nats-server"), Path.of("conf/s.conf"), OptionalInt.empty(), List.of());
        Path absolute = Path.of("conf/s.conf").toAbsolutePath();
        assertEquals(absolute, command.configFile());
        assertEquals(absolute.getParent(), command.workingDirectory());
        assertEquals(absolute.toString(), command.argv().get(2));
    }

    @Test
    void shouldAcceptMonitorPortsFromOneTo65535Only() {
        for (int port : new int[] {1, 65535}) {
            assertEquals(
                    Integer.toString(port),
                    new NatsServerCommand(Path.of("n"), Path.of("/c"), OptionalInt.of(port), List.of())
                            .argv()
                            .get(4));
        }
        for (int port : new int[] {0, 65536, -1}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> new NatsServerCommand(Path.of("n"), Path.of("/c"), OptionalInt.of(port), List.of()));
            assertEquals("monitor port is 1..65535, got " + port, e.getMessage());
        }
    }

    @Test
    void shouldKeepItsOwnCopyOfTheArguments() {
        List<String> args = new java.util.ArrayList<>(List.of("-DV"));
        NatsServerCommand command = new NatsServerCommand(Path.of("n"), Path.of("/c"), OptionalInt.empty(), args);
        args.add("--other");
        assertEquals(List.of("n", "-c", "/c", "-DV"), command.argv());
    }
}
