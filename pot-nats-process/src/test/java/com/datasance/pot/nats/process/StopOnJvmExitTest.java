package com.datasance.pot.nats.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.FreePorts;
import com.datasance.pot.nats.testkit.NatsServerBinary;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The child never outlives the JVM: a JVM that dies of an exception takes nats-server with it. */
class StopOnJvmExitTest {

    @Test
    void shouldStopNatsServerWhenTheJvmDiesOfAnException(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "");
        Process jvm = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        StopOnJvmExitFixture.class.getName(),
                        NatsServerBinary.require().toString(),
                        conf.toString(),
                        Integer.toString(FreePorts.next()))
                .redirectError(dir.resolve("fixture.log").toFile())
                .start();
        long childPid;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            childPid = Long.parseLong(out.readLine().strip());
        }
        assertTrue(jvm.waitFor(30, TimeUnit.SECONDS), "fixture JVM did not exit");
        assertEquals(1, jvm.exitValue(), Files.readString(dir.resolve("fixture.log")));
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> ProcessHandle.of(childPid)
                                .map(ProcessHandle::isAlive)
                                .orElse(false),
                        alive -> !alive);
        assertEquals(Optional.empty(), ProcessHandle.of(childPid).filter(ProcessHandle::isAlive));
    }
}
