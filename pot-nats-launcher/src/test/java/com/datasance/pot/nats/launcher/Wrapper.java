package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.testkit.ChildProcess;
import com.datasance.pot.nats.testkit.Monitoring;
import com.datasance.pot.nats.testkit.PurgeFixture;
import com.datasance.pot.nats.testkit.WrapperEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The launcher as a real process: {@link Main} in a child JVM of the running {@code java.home},
 * on this test's class path, with a clean NATS_* environment, run by the testkit's {@link
 * ChildProcess} (output read off-thread, killed with its descendants on close). Its output holds
 * the wrapper's lines and nats-server's, which inherits its stderr.
 */
final class Wrapper implements AutoCloseable {

    private static final Duration OUTPUT = Duration.ofSeconds(20);
    private static final Duration EXIT = Duration.ofSeconds(60);

    private final ChildProcess process;

    private Wrapper(ChildProcess process) {
        this.process = process;
    }

    static Wrapper start(Path dir, Map<String, String> env, String... args) {
        return start(List.of(), dir, env, args);
    }

    /**
     * {@link #start(Path, Map, String...)} with the wrapper's JVM started with {@code ignored}
     * signals ignored ({@code INT}, {@code HUP}), as {@code pot-nats &} in a script or {@code
     * nohup} start it: a shell sets them to SIG_IGN and execs the JVM, which inherits that.
     */
    static Wrapper startIgnoring(List<String> ignored, Path dir, Map<String, String> env, String... args) {
        return start(ignored, dir, env, args);
    }

    private static Wrapper start(List<String> ignored, Path dir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        if (!ignored.isEmpty()) {
            command.addAll(List.of("/bin/sh", "-c", "trap '' " + String.join(" ", ignored) + "; exec \"$@\"", "sh"));
        }
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        return new Wrapper(ChildProcess.builder(command)
                .directory(dir)
                .withoutInherited("NATS_")
                .withoutInherited("POT_NATS_")
                .environment(env)
                .start());
    }

    /**
     * The wrapper's environment for {@code fixture}'s tree: its config and resolver, the system
     * user's creds, {@code url}, grace zero (the tests that need a grace period set one).
     */
    static Map<String, String> purgeEnv(PurgeFixture fixture, String url, int monitorPort) {
        return WrapperEnvironment.builder(fixture.config())
                .monitorPort(monitorPort)
                .operator(fixture.operator())
                .clientUrl(url)
                .set("NATS_SHUTDOWN_TIMEOUT", "10s")
                .set("NATS_PURGE_GRACE", "0")
                .build();
    }

    /**
     * The wrapper's environment for {@code conf} with the watched mounts under {@code dir}, a
     * 100 ms debounce and a 10 s shutdown timeout: the reload and hardening tests' set-up.
     */
    static Map<String, String> watchingEnv(WrapperEnvironment ports, Path dir, Path conf) {
        return ports.env(conf)
                .mountsUnder(dir)
                .set("NATS_RELOAD_DEBOUNCE", "100ms")
                .set("NATS_SHUTDOWN_TIMEOUT", "10s")
                .build();
    }

    ChildProcess process() {
        return process;
    }

    String output() {
        return process.output();
    }

    /** Waits until the output contains {@code text}. */
    void awaitOutput(String text) throws InterruptedException {
        process.awaitOutput(text, OUTPUT);
    }

    /** Waits for the line that says nats-server runs and the wrapper's signal handlers are set. */
    ProcessHandle awaitStarted() throws InterruptedException {
        awaitOutput("started nats-server (pid ");
        return process.handle().children().findFirst().orElseThrow(() -> new AssertionError("no child:\n" + output()));
    }

    /** {@link #awaitStarted()}, then the watcher's first line and nats-server's {@code /healthz}. */
    void awaitWatching(Monitoring monitoring) throws InterruptedException {
        awaitStarted();
        awaitOutput("watching ");
        monitoring.awaitHealthy(OUTPUT);
    }

    /** The wrapper's own pid (its JVM). */
    long pid() {
        return process.pid();
    }

    int awaitExit() throws InterruptedException {
        return process.awaitExit(EXIT);
    }

    void signal(ChildProcess.Signal signal) throws InterruptedException {
        process.signal(signal);
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
