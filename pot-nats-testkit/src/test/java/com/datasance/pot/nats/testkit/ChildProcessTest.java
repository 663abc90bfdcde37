package com.datasance.pot.nats.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.ChildProcess.Signal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static ChildProcess.Builder sh(String script) {
        return ChildProcess.builder(List.of("/bin/sh", "-c", script));
    }

    @Test
    void shouldRunInTheDirectoryWithTheEnvironmentAndReturnTheExitStatus(@TempDir Path dir) throws Exception {
        try (ChildProcess child = sh("echo \"$POT_TEST_A in $(pwd)\"; echo oops >&2; exit 3")
                .directory(dir)
                .environment(Map.of("POT_TEST_A", "alpha"))
                .start()) {
            assertEquals(3, child.awaitExit(WAIT));
            assertEquals("alpha in " + dir.toRealPath() + "\noops\n", child.output());
        }
    }

    @Test
    void shouldLeaveOutInheritedVariablesByPrefixButKeepTheGivenOnes() throws Exception {
        // PATH is inherited by every test runner; dropping 'PA' removes it, the given PAX stays.
        assertTrue(System.getenv().containsKey("PATH"), "the test runner has a PATH to drop");
        try (ChildProcess child = ChildProcess.builder(List.of("/usr/bin/env"))
                .withoutInherited("PA")
                .environment(Map.of("PAX", "kept"))
                .start()) {
            assertEquals(0, child.awaitExit(WAIT));
            List<String> lines = child.output().lines().toList();
            assertTrue(lines.contains("PAX=kept"), child.output());
            assertFalse(lines.stream().anyMatch(line -> line.startsWith("PATH=")), child.output());
        }
    }

    @Test
    void shouldReturnTheLineOnceItIsPrintedAndDeliverSignals() throws Exception {
        String script = "trap 'echo got HUP' HUP; trap 'echo got USR1' USR1; trap 'echo bye; exit 7' TERM;"
                + " echo ready now; while :; do sleep 0.05; done";
        try (ChildProcess child = sh(script).start()) {
            assertEquals("ready now", child.awaitOutput("ready", WAIT));
            child.signal(Signal.HUP);
            assertEquals("got HUP", child.awaitOutput("got HUP", WAIT));
            child.signal(Signal.USR1);
            child.awaitOutput("got USR1", WAIT);
            assertTrue(child.isAlive());
            child.signal(Signal.TERM);
            assertEquals(7, child.awaitExit(WAIT));
            assertTrue(child.output().endsWith("bye\n"), child.output());
        }
    }

    @Test
    void shouldFailAtOnceWhenTheProcessExitsWithoutPrintingTheText() throws Exception {
        try (ChildProcess child = sh("echo something else").start()) {
            AssertionError error = assertThrows(AssertionError.class, () -> child.awaitOutput("never", WAIT));
            assertTrue(error.getMessage().contains("without printing 'never'"), error.getMessage());
            assertTrue(error.getMessage().contains("something else"), error.getMessage());
            assertTrue(error.getMessage().contains("/bin/sh"), error.getMessage());
        }
    }

    @Test
    void shouldFailWhenTheDeadlinePassesFirst() throws Exception {
        try (ChildProcess child = sh("echo waiting; exec sleep 600").start()) {
            AssertionError silent =
                    assertThrows(AssertionError.class, () -> child.awaitOutput("never", Duration.ofMillis(200)));
            assertTrue(silent.getMessage().contains("did not print 'never' within PT0.2S"), silent.getMessage());
            AssertionError running = assertThrows(AssertionError.class, () -> child.awaitExit(Duration.ofMillis(200)));
            assertTrue(running.getMessage().contains("still runs after PT0.2S"), running.getMessage());
            assertTrue(running.getMessage().contains("waiting"), running.getMessage());
        }
    }

    @Test
    void shouldKillTheProcessAndItsDescendantsOnClose() throws Exception {
        ChildProcess child = sh("sleep 600 & echo \"child $!\"; wait").start();
        String line = child.awaitOutput("child ", WAIT);
        ProcessHandle grandchild = ProcessHandle.of(Long.parseLong(line.substring("child ".length())))
                .orElseThrow();
        assertTrue(grandchild.isAlive());
        child.close();
        child.close(); // idempotent
        assertFalse(child.isAlive());
        grandchild.onExit().get(20, TimeUnit.SECONDS);
        assertFalse(grandchild.isAlive());
    }

    @Test
    void shouldKeepOnlyTheLastBytesAndSayHowManyWereDropped() throws Exception {
        try (ChildProcess child = sh("printf 0123456789abcdef").outputLimit(6).start()) {
            assertEquals(0, child.awaitExit(WAIT));
            assertEquals("[10 bytes of earlier output dropped]\nabcdef", child.output());
        }
    }

    @Test
    void shouldNameTheCommandWhenItCannotStart(@TempDir Path dir) {
        Exception error = assertThrows(
                Exception.class,
                () -> ChildProcess.builder(List.of(dir.resolve("missing").toString()))
                        .start());
        assertTrue(error.getMessage().contains(dir.resolve("missing").toString()), error.getMessage());
    }
}
