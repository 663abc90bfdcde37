package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datasance.pot.nats.api.ExitStatus;
import com.datasance.pot.nats.api.ServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The supervisor against a fake nats-server at the {@link ServerProcess} seam. */
class SupervisorTest {

    private static final class FakeServer implements ServerProcess {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

        @Override
        public long pid() {
            return 42;
        }

        @Override
        public void reload() {
            calls.add("reload");
        }

        @Override
        public ExitStatus stop(Duration timeout, boolean lameDuck) {
            calls.add("stop " + timeout + " " + lameDuck);
            exit.complete(ExitStatus.exited(0));
            return ExitStatus.exited(0);
        }

        @Override
        public CompletableFuture<ExitStatus> onExit() {
            return exit.copy();
        }

        @Override
        public boolean isAlive() {
            return !exit.isDone();
        }
    }

    @Test
    void shouldReloadThenStopInOrderAndCloseServicesFirst() throws Exception {
        FakeServer server = new FakeServer();
        Supervisor supervisor = new Supervisor(
                server, Duration.ofSeconds(7), true, List.of(_ -> () -> server.calls.add("service closed")));
        supervisor.submit(new Supervisor.Event.Reload("SIGHUP"));
        supervisor.submit(new Supervisor.Event.Stop("SIGTERM"));
        assertEquals(0, supervisor.run());
        assertEquals(List.of("reload", "service closed", "stop PT7S true"), server.calls);
    }

    @Test
    void shouldExitWithTheStatusOfAServerThatDied() throws Exception {
        FakeServer server = new FakeServer();
        Supervisor supervisor = new Supervisor(server, Duration.ofSeconds(1), false, List.of());
        server.exit.complete(ExitStatus.killedBy(9));
        assertEquals(137, supervisor.run());
        assertEquals(List.of(), server.calls);
    }

    @Test
    void shouldStopServerWhenAServiceCannotStart() throws Exception {
        FakeServer server = new FakeServer();
        Supervisor supervisor = new Supervisor(
                server, Duration.ofSeconds(3), false, List.of(_ -> () -> server.calls.add("first closed"), _ -> {
                    throw new IllegalStateException("watch limit");
                }));
        assertEquals(1, supervisor.run());
        assertEquals(List.of("first closed", "stop PT3S false"), server.calls);
    }
}
