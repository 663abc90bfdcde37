package com.datasance.pot.nats.launcher;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The launcher as a real process: {@link Main} in a child JVM of the running {@code java.home},
 * on this test's class path, with a clean NATS_* environment. Its stderr (the wrapper's lines and
 * nats-server's, which inherits it) goes to a file the test reads.
 */
final class Wrapper implements AutoCloseable {

    private final Process process;
    private final Path log;

    private Wrapper(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static Wrapper start(Path dir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Path log = dir.resolve("wrapper-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("NATS_") || name.startsWith("POT_NATS_"));
        builder.environment().putAll(env);
        try {
            return new Wrapper(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    Process process() {
        return process;
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the output contains {@code text}. */
    void awaitOutput(String text) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> output().contains(text) || !process.isAlive());
        if (!output().contains(text)) {
            throw new AssertionError("wrapper exited without printing '" + text + "':\n" + output());
        }
    }

    /** Waits for the line that says nats-server runs and the wrapper's signal handlers are set. */
    ProcessHandle awaitStarted() {
        awaitOutput("started nats-server (pid ");
        return process.toHandle()
                .children()
                .findFirst()
                .orElseThrow(() -> new AssertionError("no child:\n" + output()));
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("wrapper still running after 60 s:\n" + output());
        }
        return process.exitValue();
    }

    void signal(String name) throws Exception {
        int status = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .inheritIO()
                .start()
                .waitFor();
        if (status != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed with " + status);
        }
    }

    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> children = process.toHandle().descendants().toList();
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
