package com.datasance.pot.nats.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.testkit.ChildProcess.Signal;
import com.datasance.pot.nats.testkit.FreePorts;
import com.datasance.pot.nats.testkit.NatsServerBinary;
import com.datasance.pot.nats.testkit.WrapperEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop that reaches nats-server before it installed its signal handlers (the red team's
 * "SIGTERM 0.1 s after a restart", status 130). The race is made certain with a stand-in binary:
 * {@code nats-server -t} is the real one; a run that must still be "starting" is {@code sleep},
 * which, like nats-server before its handlers, dies of SIGINT.
 */
class StopRaceProcessTest {

    @TempDir
    Path dir;

    private final WrapperEnvironment ports = WrapperEnvironment.onFreePorts();
    private final int clientPort = ports.clientPort();

    private Path config(String text) throws Exception {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, text);
        return conf;
    }

    /**
     * A nats-server that checks configs for real and runs for real its first {@code realRuns}
     * times, then never gets past its start (dies of SIGINT).
     */
    private Path standIn(int realRuns) throws Exception {
        Path runs = dir.resolve("runs");
        Path bin = dir.resolve("nats-server");
        String real = NatsServerBinary.require().toString();
        Files.writeString(bin, """
                #!/bin/sh
                for a in "$@"; do [ "$a" = -t ] && exec '%s' "$@"; done
                echo run >> '%s'
                [ "$(wc -l < '%s')" -le %d ] && exec '%s' "$@"
                exec sleep 600
                """.formatted(real, runs, runs, realRuns, real));
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    @Test
    void shouldExitZeroOnSigtermWhileTheFirstServerIsStillStarting() throws Exception {
        Map<String, String> env = Wrapper.watchingEnv(ports, dir, config("listen: 127.0.0.1:" + clientPort + "\n"));
        env.put("NATS_SERVER_BIN", standIn(0).toString());
        try (Wrapper wrapper = Wrapper.start(dir, env)) {
            wrapper.awaitStarted();
            wrapper.signal(Signal.TERM);
            assertEquals(0, wrapper.awaitExit(), wrapper.output());
            assertTrue(wrapper.output().contains("nats-server stopped: killed by signal 2"), wrapper.output());
            assertTrue(wrapper.output().contains("a clean stop, exit status 0"), wrapper.output());
        }
    }

    @Test
    void shouldStartPromptlyWithAWatchedDirectoryOnProcAndStopOnSigterm() throws Exception {
        // Red team: NATS_SSL_DIR=/proc never started nats-server (a read of /proc/kmsg blocks
        // forever, as root) and ignored SIGTERM. A sparse file over the cap is not read either.
        Path certs = Files.createDirectories(dir.resolve("certs"));
        try (java.io.RandomAccessFile big =
                new java.io.RandomAccessFile(certs.resolve("big.pem").toFile(), "rw")) {
            big.setLength(3L * 1024 * 1024 * 1024);
        }
        Files.createSymbolicLink(certs.resolve("kmsg"), Path.of("/proc/kmsg"));
        Map<String, String> env = Wrapper.watchingEnv(ports, dir, config("listen: 127.0.0.1:" + clientPort + "\n"));
        env.put("NATS_SSL_DIR", "/proc");
        env.put("NATS_CREDS_DIR", certs.toString());
        try (Wrapper wrapper = Wrapper.start(dir, env)) {
            wrapper.awaitWatching(ports.monitoring());
            // Once, though the baseline and the watcher both digest it.
            assertEquals(1, wrapper.output().split("not digesting '/proc'", -1).length - 1, wrapper.output());
            assertTrue(wrapper.output().contains("big.pem' is over 64 MiB"), wrapper.output());
            wrapper.signal(Signal.TERM);
            assertEquals(0, wrapper.awaitExit(), wrapper.output());
        }
    }

    @Test
    void shouldExitZeroOnSigtermWhileTheRestartedServerIsStillStarting() throws Exception {
        Path conf = config("listen: 127.0.0.1:" + clientPort + "\nmax_payload: 1000\n");
        Map<String, String> env = Wrapper.watchingEnv(ports, dir, conf);
        env.put("NATS_SERVER_BIN", standIn(1).toString());
        env.put("NATS_RESTART_ON_UNRELOADABLE", "true");
        try (Wrapper wrapper = Wrapper.start(dir, env)) {
            wrapper.awaitWatching(ports.monitoring());
            Path tmp = dir.resolve(".server.conf.tmp");
            Files.writeString(tmp, "listen: 127.0.0.1:" + FreePorts.next() + "\nmax_payload: 2000\n");
            Files.move(tmp, conf, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            wrapper.awaitOutput("restarted nats-server (now pid ");
            wrapper.signal(Signal.TERM);
            assertEquals(0, wrapper.awaitExit(), wrapper.output());
            assertTrue(wrapper.output().contains("nats-server stopped: killed by signal 2"), wrapper.output());
        }
    }

    /**
     * A nats-server that passes every {@code -t} and, run, writes its pid to {@code runs} and never
     * stops on SIGINT or SIGTERM (ignored; {@code sleep} inherits that): only SIGKILL ends it.
     */
    private Path deafStandIn(Path runs) throws Exception {
        Path bin = dir.resolve("nats-server");
        Files.writeString(bin, """
                #!/bin/sh
                for a in "$@"; do [ "$a" = -t ] && exit 0; done
                echo $$ >> '%s'
                trap '' INT TERM
                exec sleep 600
                """.formatted(runs));
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    @Test
    void shouldStartNoServerWhenSigtermArrivesWhileTheRestartStopsTheOldOne() throws Exception {
        // Red team: SIGTERM while a restart (unreloadable `listen`) waited for a nats-server that
        // ignores SIGINT; the wrapper SIGKILLed it, started a new one, then stopped and SIGKILLed
        // that one too: twice NATS_SHUTDOWN_TIMEOUT, and a server started after the stop.
        Path runs = dir.resolve("runs");
        Path conf = config("listen: 127.0.0.1:" + clientPort + "\n");
        Map<String, String> env = Wrapper.watchingEnv(ports, dir, conf);
        env.put("NATS_SERVER_BIN", deafStandIn(runs).toString());
        env.put("NATS_RESTART_ON_UNRELOADABLE", "true");
        // The margin for the SIGTERM to arrive within the restart's stop phase, not a measure.
        env.put("NATS_SHUTDOWN_TIMEOUT", "6s");
        try (Wrapper wrapper = Wrapper.start(dir, env)) {
            ProcessHandle first = wrapper.awaitStarted();
            wrapper.awaitOutput("watching ");
            Path tmp = dir.resolve(".server.conf.tmp");
            Files.writeString(tmp, "listen: 127.0.0.1:" + FreePorts.next() + "\n");
            Files.move(tmp, conf, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            wrapper.awaitOutput("restarting nats-server (pid " + first.pid() + ")");
            wrapper.signal(Signal.TERM);
            wrapper.awaitOutput("SIGTERM during the restart: no new nats-server");
            wrapper.signal(Signal.TERM);
            assertEquals(137, wrapper.awaitExit(), wrapper.output());
            String output = wrapper.output();
            assertFalse(output.contains("restarted nats-server"), output);
            assertEquals(1, output.split("sending SIGKILL", -1).length - 1, "one stop, one SIGKILL:\n" + output);
            assertTrue(output.contains("nats-server stopped: killed by signal 9"), output);
            assertEquals(List.of(String.valueOf(first.pid())), Files.readAllLines(runs), "one nats-server ever ran");
            assertFalse(first.isAlive(), "no nats-server left");
        }
    }
}
