package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datasance.pot.nats.api.ExitStatus;
import com.datasance.pot.nats.api.ServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The supervisor against a fake nats-server at the {@link ServerProcess} seam. */
class SupervisorTest {

    /** The supervisor's queue, made before it as the launcher makes it: the test feeds it too. */
    private final BlockingQueue<Supervisor.Event> events = new LinkedBlockingQueue<>();

    /** For the tests that never restart: a restart asked for would end {@code run} with 1. */
    private static final Supervisor.ServerStarter NO_RESTART = () -> {
        throw new IllegalStateException("this test does not restart nats-server");
    };

    private Supervisor supervisor(ServerProcess server, Duration shutdownTimeout, boolean lameDuck) {
        return new Supervisor(server, NO_RESTART, shutdownTimeout, lameDuck, events);
    }

    private static final class FakeServer implements ServerProcess {
        final List<String> calls;
        final long pid;
        final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        /** How the stop ends it: a clean exit, or what a nats-server still starting does. */
        volatile ExitStatus stopsWith = ExitStatus.exited(0);

        FakeServer() {
            this(42, new CopyOnWriteArrayList<>());
        }

        FakeServer(long pid, List<String> calls) {
            this.pid = pid;
            this.calls = calls;
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public void reload() {
            calls.add("reload" + (pid == 42 ? "" : " " + pid));
        }

        @Override
        public ExitStatus stop(Duration timeout, boolean lameDuck) {
            calls.add("stop " + (pid == 42 ? "" : pid + " ") + timeout + " " + lameDuck);
            exit.complete(stopsWith);
            return exit.join();
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
        Supervisor supervisor = supervisor(server, Duration.ofSeconds(7), true);
        supervisor.submit(new Supervisor.Event.Reload("SIGHUP"));
        supervisor.submit(new Supervisor.Event.Stop(Supervisor.StopSignal.SIGTERM));
        assertEquals(0, supervisor.run(List.of(_ -> () -> server.calls.add("service closed"))));
        assertEquals(List.of("reload", "service closed", "stop PT7S true"), server.calls);
    }

    @Test
    void shouldStartServicesInOrderAndCloseThemInReverseBeforeTheStop() throws Exception {
        // The launcher relies on it: the purge service, first, is closed after the watcher.
        FakeServer server = new FakeServer();
        Supervisor supervisor = supervisor(server, Duration.ofSeconds(2), false);
        supervisor.submit(new Supervisor.Event.Stop(Supervisor.StopSignal.SIGTERM));
        assertEquals(
                0,
                supervisor.run(List.of(
                        _ -> {
                            server.calls.add("first started");
                            return () -> server.calls.add("first closed");
                        },
                        _ -> {
                            server.calls.add("second started");
                            return () -> server.calls.add("second closed");
                        })));
        assertEquals(
                List.of("first started", "second started", "second closed", "first closed", "stop PT2S false"),
                server.calls);
    }

    @Test
    void shouldExitWithTheStatusOfAServerThatDied() throws Exception {
        FakeServer server = new FakeServer();
        Supervisor supervisor = supervisor(server, Duration.ofSeconds(1), false);
        server.exit.complete(ExitStatus.killedBy(9));
        assertEquals(137, supervisor.run(List.of()));
        assertEquals(List.of(), server.calls);
    }

    @Test
    void shouldStopServerWhenAServiceCannotStart() throws Exception {
        FakeServer server = new FakeServer();
        Supervisor supervisor = supervisor(server, Duration.ofSeconds(3), false);
        assertEquals(1, supervisor.run(List.of(_ -> () -> server.calls.add("first closed"), _ -> {
            throw new IllegalStateException("watch limit");
        })));
        assertEquals(List.of("first closed", "stop PT3S false"), server.calls);
    }

    @Test
    void shouldRestartWithoutEndingTheWrapperAndServeTheNewServer() throws Exception {
        FakeServer first = new FakeServer(1, new CopyOnWriteArrayList<>());
        FakeServer second = new FakeServer(2, first.calls);
        CompletableFuture<OptionalLong> reloaded = new CompletableFuture<>();
        List<ServerProcess> seen = new CopyOnWriteArrayList<>();
        Supervisor supervisor = new Supervisor(
                first,
                () -> {
                    // Queued behind the first server's exit, which the stop has just reported.
                    events.add(new Supervisor.Event.Reload("after restart", reloaded));
                    events.add(new Supervisor.Event.Stop(Supervisor.StopSignal.SIGTERM));
                    return second;
                },
                Duration.ofSeconds(5),
                true,
                events);
        supervisor.requestRestart("test");
        assertEquals(0, supervisor.run(List.of(server -> {
            seen.add(server);
            return () -> first.calls.add("service closed");
        })));
        // The first server's exit (completed by its stop) did not end the wrapper.
        assertEquals(List.of("stop 1 PT5S true", "reload 2", "service closed", "stop 2 PT5S true"), first.calls);
        assertEquals(OptionalLong.of(2), reloaded.get());
        assertEquals(2, seen.getFirst().pid(), "services see the current server");
    }

    @Test
    void shouldExitZeroWhenTheRestartedServerDiesOfTheStopsSigintBeforeItsHandlers() throws Exception {
        // The red team's race: SIGTERM 0.1 s after a restart; the new nats-server had not yet
        // installed its signal handlers and died of the SIGINT (status 130).
        FakeServer first = new FakeServer(1, new CopyOnWriteArrayList<>());
        FakeServer second = new FakeServer(2, first.calls);
        second.stopsWith = ExitStatus.killedBy(Supervisor.SIGINT);
        Supervisor supervisor = new Supervisor(
                first,
                () -> {
                    events.add(new Supervisor.Event.Stop(Supervisor.StopSignal.SIGTERM));
                    return second;
                },
                Duration.ofSeconds(5),
                false,
                events);
        supervisor.requestRestart("test");
        assertEquals(0, supervisor.run(List.of()));
        assertEquals(List.of("stop 1 PT5S false", "stop 2 PT5S false"), first.calls);
    }

    /**
     * A nats-server whose stop takes until the test ends it, as one that ignores SIGINT until its
     * SIGKILL: the stop of a restart is then under way while the test queues more events.
     */
    private static final class SlowToStopServer implements ServerProcess {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        final CountDownLatch stopping = new CountDownLatch(1);

        @Override
        public long pid() {
            return 1;
        }

        @Override
        public void reload() {
            calls.add("reload 1");
        }

        @Override
        public ExitStatus stop(Duration timeout, boolean lameDuck) throws InterruptedException {
            calls.add("stop 1 " + timeout + " " + lameDuck);
            stopping.countDown();
            try {
                return exit.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
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

    /** Runs {@code supervisor} on a thread of its own; the stage completes with its exit status. */
    private static CompletableFuture<Integer> runAside(Supervisor supervisor, List<Supervisor.AfterStart> services) {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                status.complete(supervisor.run(services));
            } catch (Throwable e) {
                status.completeExceptionally(e);
            }
        });
        return status;
    }

    /**
     * What {@code restarted} completes with while the old server is still stopping. A deadline so
     * that a supervisor blocked in that stop fails the test instead of hanging it; no measure.
     */
    private static OptionalLong whileTheOldServerStops(CompletableFuture<OptionalLong> restarted) throws Exception {
        try {
            return restarted.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the stop was not seen while the restart stopped the old server", e);
        }
    }

    @ParameterizedTest
    @CsvSource({
        // the red team's case: nats-server ignored the restart's SIGINT and was SIGKILLed
        "9, SIGTERM, 137",
        // it stopped on the restart's SIGINT: the clean stop that was asked for
        "-1, SIGTERM, 0",
        "-1, SIGINT, 0",
        // still starting, it died of the SIGINT: a clean stop too
        "2, SIGINT, 0"
    })
    void shouldStartNoServerWhenAStopArrivesWhileTheRestartStopsTheOldOne(
            int killedBy, Supervisor.StopSignal signal, int expected) throws Exception {
        SlowToStopServer first = new SlowToStopServer();
        List<String> started = new CopyOnWriteArrayList<>();
        Supervisor supervisor = new Supervisor(
                first,
                () -> {
                    started.add("second");
                    return new FakeServer(2, first.calls);
                },
                Duration.ofSeconds(4),
                false,
                events);
        CompletableFuture<OptionalLong> restarted = supervisor.restart("test");
        CompletableFuture<Integer> status = runAside(supervisor, List.of(_ -> () -> first.calls.add("service closed")));
        first.stopping.await();
        CompletableFuture<OptionalLong> reload = supervisor.requestReload("watcher");
        supervisor.submit(new Supervisor.Event.Stop(signal));
        supervisor.submit(new Supervisor.Event.Stop(signal));
        // The stop was taken in while the old server still stops: the restart's caller learns
        // that no new server comes before the old one has exited.
        assertEquals(OptionalLong.empty(), whileTheOldServerStops(restarted));
        first.exit.complete(killedBy < 0 ? ExitStatus.exited(0) : ExitStatus.killedBy(killedBy));
        assertEquals(expected, status.get());
        assertEquals(List.of(), started, "no nats-server started after the stop");
        assertEquals(List.of("stop 1 PT4S false", "service closed"), first.calls, "one stop, no second round");
        assertEquals(OptionalLong.empty(), reload.get(), "no SIGHUP after the stop");
    }

    @Test
    void shouldExitOneAndStartNoServerWhenAThreadDiesWhileTheRestartStopsTheOldOne() throws Exception {
        SlowToStopServer first = new SlowToStopServer();
        List<String> started = new CopyOnWriteArrayList<>();
        Supervisor supervisor = new Supervisor(
                first,
                () -> {
                    started.add("second");
                    return new FakeServer(2, first.calls);
                },
                Duration.ofSeconds(4),
                false,
                events);
        CompletableFuture<OptionalLong> restarted = supervisor.restart("test");
        CompletableFuture<Integer> status = runAside(supervisor, List.of());
        first.stopping.await();
        supervisor.submit(new Supervisor.Event.Fatal("thread 'pot-nats-purge' died"));
        assertEquals(OptionalLong.empty(), whileTheOldServerStops(restarted));
        first.exit.complete(ExitStatus.exited(0));
        assertEquals(1, status.get());
        assertEquals(List.of(), started);
        assertEquals(List.of("stop 1 PT4S false"), first.calls);
    }

    @Test
    void shouldServeTheNewServerWithWhatArrivedWhileTheRestartStoppedTheOldOne() throws Exception {
        SlowToStopServer first = new SlowToStopServer();
        FakeServer second = new FakeServer(2, first.calls);
        Supervisor supervisor = new Supervisor(first, () -> second, Duration.ofSeconds(4), false, events);
        CompletableFuture<OptionalLong> restarted = supervisor.restart("test");
        CompletableFuture<Integer> status = runAside(supervisor, List.of());
        first.stopping.await();
        CompletableFuture<OptionalLong> reload = supervisor.requestReload("watcher");
        first.exit.complete(ExitStatus.exited(0));
        assertEquals(OptionalLong.of(2), restarted.get());
        assertEquals(OptionalLong.of(2), reload.get(), "the SIGHUP asked for meanwhile goes to the new server");
        supervisor.submit(new Supervisor.Event.Stop(Supervisor.StopSignal.SIGTERM));
        assertEquals(0, status.get());
        assertEquals(List.of("stop 1 PT4S false", "reload 2", "stop 2 PT4S false"), first.calls);
    }

    @ParameterizedTest
    @CsvSource({
        // died of the stop's SIGINT (first start or restart, before its handlers): the asked-for stop
        "2, false, SIGTERM, 0",
        "2, true, SIGINT, 0",
        // lame duck mode sends SIGUSR2 first; a server still starting dies of that one
        "12, true, SIGTERM, 0",
        // SIGUSR2 is no part of a plain stop: someone else's, reported as it is
        "12, false, SIGTERM, 140",
        // SIGKILL after the timeout, and any other signal, are reported as they are
        "9, false, SIGTERM, 137",
        "15, true, SIGINT, 143",
        // the wrapper's SIGTERM went to the whole group and reached a nats-server still starting
        "15, false, SIGTERM, 0"
    })
    void shouldNeverReportTheStopsOwnSignalAsTheWrappersStatus(
            int signal, boolean lameDuck, Supervisor.StopSignal stop, int expected) throws Exception {
        FakeServer server = new FakeServer();
        server.stopsWith = ExitStatus.killedBy(signal);
        Supervisor supervisor = supervisor(server, Duration.ofSeconds(1), lameDuck);
        supervisor.submit(new Supervisor.Event.Stop(stop));
        assertEquals(expected, supervisor.run(List.of()));
    }

    @ParameterizedTest
    @CsvSource({
        // nats-server ends on its own SIGTERM with status 1: the group's SIGTERM, a clean stop
        "1, SIGTERM, 0",
        // on SIGINT it exits 0; a 1 then, or any other status, is its own and reported
        "1, SIGINT, 1",
        "3, SIGTERM, 3"
    })
    void shouldReportTheServersOwnNonZeroStatusOnAStop(int code, Supervisor.StopSignal stop, int expected)
            throws Exception {
        FakeServer server = new FakeServer();
        server.stopsWith = ExitStatus.exited(code);
        Supervisor supervisor = supervisor(server, Duration.ofSeconds(1), false);
        supervisor.submit(new Supervisor.Event.Stop(stop));
        assertEquals(expected, supervisor.run(List.of()));
    }

    @Test
    void shouldTakeAnExitOnTheGroupsSigtermForTheStopThatFollows() throws Exception {
        // timeout(1), systemd and a shell's kill -TERM -PGID signal nats-server and the wrapper at
        // once; nats-server may be gone before the wrapper's handler has run.
        FakeServer server = new FakeServer();
        Supervisor supervisor = supervisor(server, Duration.ofSeconds(1), false);
        server.exit.complete(ExitStatus.exited(1));
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            supervisor.submit(new Supervisor.Event.Stop(Supervisor.StopSignal.SIGTERM));
        });
        assertEquals(0, supervisor.run(List.of()));
    }

    @Test
    void shouldReportAnExitNoStopFollowsAndAnswerTheReloadsThatCameMeanwhile() throws Exception {
        FakeServer server = new FakeServer();
        Supervisor supervisor = supervisor(server, Duration.ofSeconds(1), false);
        server.exit.complete(ExitStatus.exited(1));
        CompletableFuture<OptionalLong> reload = supervisor.requestReload("watcher");
        assertEquals(1, supervisor.run(List.of()));
        assertEquals(OptionalLong.empty(), reload.join(), "no SIGHUP after the exit");
        assertEquals(List.of(), server.calls);
    }

    @Test
    void shouldNotWaitForAStopAfterAnExitNoStopSignalExplains() throws Exception {
        FakeServer server = new FakeServer();
        Supervisor supervisor = supervisor(server, Duration.ofSeconds(1), false);
        server.exit.complete(ExitStatus.exited(3));
        supervisor.submit(new Supervisor.Event.Stop(Supervisor.StopSignal.SIGTERM));
        assertEquals(3, supervisor.run(List.of()), "status 3 is nats-server's own, whatever follows");
    }

    @Test
    void shouldExit1WhenTheRestartedServerCannotStart() throws Exception {
        FakeServer first = new FakeServer();
        Supervisor supervisor = new Supervisor(
                first,
                () -> {
                    throw new IllegalStateException("no binary");
                },
                Duration.ofSeconds(1),
                false,
                events);
        CompletableFuture<OptionalLong> restarted = supervisor.restart("test");
        assertEquals(1, supervisor.run(List.of()));
        assertEquals(List.of("stop PT1S false"), first.calls);
        assertEquals(OptionalLong.empty(), restarted.get());
    }

    @Test
    void shouldAnswerAPendingReloadWithEmptyWhenTheServerIsGone() throws Exception {
        FakeServer server = new FakeServer();
        Supervisor supervisor = supervisor(server, Duration.ofSeconds(1), false);
        server.exit.complete(ExitStatus.exited(0));
        CompletableFuture<OptionalLong> reload = supervisor.requestReload("late");
        supervisor.run(List.of());
        assertEquals(OptionalLong.empty(), reload.get());
        assertEquals(List.of(), server.calls);
    }

    @Test
    void shouldStopTheServerAndExitOneWhenAThreadOfTheWrapperDied() throws Exception {
        FakeServer server = new FakeServer();
        Supervisor supervisor = supervisor(server, Duration.ofSeconds(3), false);
        supervisor.submit(new Supervisor.Event.Fatal("thread 'pot-nats-purge' died: java.lang.OutOfMemoryError"));
        assertEquals(1, supervisor.run(List.of(_ -> () -> server.calls.add("service closed"))));
        assertEquals(List.of("service closed", "stop PT3S false"), server.calls);
    }

    @Test
    void shouldKeepRunningWhenASignalCannotBeForwarded() throws Exception {
        // A fake is no nats-server child: the forward is refused, logged, and nothing else happens.
        FakeServer server = new FakeServer();
        Supervisor supervisor = supervisor(server, Duration.ofSeconds(1), false);
        supervisor.submit(new Supervisor.Event.Forward("SIGUSR1", ForwardedSignal.SIGUSR1));
        supervisor.submit(new Supervisor.Event.Stop(Supervisor.StopSignal.SIGTERM));
        assertEquals(0, supervisor.run(List.of()));
        assertEquals(List.of("stop PT1S false"), server.calls);
    }

    @Test
    void shouldMapEachWrapperSignalToItsEvent() {
        assertEquals(new Supervisor.Event.Stop(Supervisor.StopSignal.SIGTERM), WrapperSignals.eventFor("TERM"));
        assertEquals(new Supervisor.Event.Stop(Supervisor.StopSignal.SIGINT), WrapperSignals.eventFor("INT"));
        assertEquals("SIGHUP", ((Supervisor.Event.Reload) WrapperSignals.eventFor("HUP")).reason());
        assertEquals(new Supervisor.Event.Forward("SIGUSR1", ForwardedSignal.SIGUSR1), WrapperSignals.eventFor("USR1"));
        assertEquals(new Supervisor.Event.Forward("SIGUSR2", ForwardedSignal.SIGUSR2), WrapperSignals.eventFor("USR2"));
    }
}
