package com.datasance.pot.nats.process;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * A JVM that starts nats-server and then dies of an uncaught exception, for {@link
 * StopOnJvmExitTest}. Arguments: BINARY CONFIG CLIENT_PORT. Prints the child's pid first.
 */
final class StopOnJvmExitFixture {

    private StopOnJvmExitFixture() {}

    public static void main(String[] args) throws Exception {
        NatsServerProcess server = NatsServerProcess.start(new NatsServerCommand(
                Path.of(args[0]), Path.of(args[1]), OptionalInt.empty(), List.of("-a", "127.0.0.1", "-p", args[2])));
        System.out.println(server.pid());
        System.out.flush();
        throw new IllegalStateException("fixture: dying with nats-server still running");
    }
}
