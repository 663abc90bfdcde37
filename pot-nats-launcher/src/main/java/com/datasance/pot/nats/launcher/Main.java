package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.Origin;
import com.datasance.pot.nats.api.SafeText;
import com.datasance.pot.nats.config.ConfigException;
import com.datasance.pot.nats.config.NatsConfigReader;
import com.datasance.pot.nats.config.ServerConfig;
import com.datasance.pot.nats.process.NatsServerLocator;
import com.datasance.pot.nats.process.ProcessException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pot-nats [run] [ARGS...] | store-dir --config FILE | reconcile [--dry-run] | version |
 * --help}. The only place that calls {@code
 * System.exit}; everything else returns a status.
 *
 * <p>Exit status: nats-server's own when it ran (its code, or 128+n when signal n killed it); 2
 * for a bad command line or environment variable; 3 when NATS_CONF never appeared; 4 when the
 * nats-server binary is missing or not executable; 1 for anything else. {@code store-dir}: 0, 2 when
 * the config does not enable JetStream, 1 when it cannot be read or parsed.
 */
public final class Main {

    static final int BAD_USAGE = 2;
    static final int CONFIG_MISSING = 3;
    static final int BINARY_MISSING = 4;
    static final int INTERNAL_ERROR = 1;

    /** 'nats-server --version' prints one line at once; a binary that hangs is not waited for longer. */
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] argv, Map<String, String> env) {
        try {
            Command command = Command.parse(argv);
            return switch (command) {
                case Command.Help _ -> {
                    System.out.print(Command.USAGE);
                    yield 0;
                }
                case Command.StoreDir storeDir -> storeDir(storeDir.config(), env);
                case Command.Reconcile reconcile -> {
                    LauncherSettings settings = settings(env);
                    yield ReconcileCommand.run(settings, env, reconcile.dryRun(), System.out);
                }
                case Command.Run run -> {
                    LauncherSettings settings = settings(env);
                    run.checkMonitorPort(settings.monitorPort());
                    yield new Launcher(settings, binary(settings, env), run.args(), env).run();
                }
                case Command.Version _ -> version(binary(settings(env), env));
            };
        } catch (UsageException e) {
            LOG.error("{}", e.getMessage());
            return BAD_USAGE;
        } catch (ProcessException e) {
            LOG.error("{}; set NATS_SERVER_BIN or install nats-server ('apt-get install nats-server')", e.getMessage());
            return BINARY_MISSING;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.error("interrupted");
            return INTERNAL_ERROR;
        } catch (RuntimeException e) {
            LOG.error("internal error", e);
            return INTERNAL_ERROR;
        }
    }

    private static LauncherSettings settings(Map<String, String> env) throws UsageException {
        LauncherSettings settings = LauncherSettings.fromEnvironment(env);
        StderrLoggingProvider.setDebug(settings.debug());
        return settings;
    }

    private static Path binary(LauncherSettings settings, Map<String, String> env) throws ProcessException {
        return NatsServerLocator.locate(
                settings.serverBin(), LauncherSettings.DEFAULT_SERVER_BIN, Optional.ofNullable(env.get("PATH")));
    }

    /**
     * {@code store-dir}: the directory nats-server reports as {@code jetstream.config.store_dir} in
     * {@code /varz}, for the config as nats-server would read it with this environment.
     */
    static int storeDir(Path config, Map<String, String> env) {
        // Names and messages go to stderr on one line (a file name may hold a newline or ESC);
        // the quotes of our own messages stay as they are, like in the log.
        String file = StderrLoggingProvider.oneLine(config.toString());
        try {
            ServerConfig server = NatsConfigReader.readServerConfig(config, env);
            if (!(server.jetStream() instanceof ServerConfig.JetStream.Enabled enabled)) {
                System.err.println(file + ": JetStream is not enabled (no 'jetstream' block or 'jetstream: enabled')");
                return BAD_USAGE;
            }
            String dir = enabled.jetStreamDir().toString();
            String printable = StderrLoggingProvider.oneLine(dir);
            if (!printable.equals(dir)) {
                // stdout is the raw path for scripts: an escaped one would name another directory.
                System.err.println(enabled.storeDirOrigin()
                                .map(Origin::toString)
                                .map(StderrLoggingProvider::oneLine)
                                .orElse(file)
                        + ": the JetStream store directory " + SafeText.quote(dir)
                        + " holds control characters; store-dir prints the path as it is, on one line,"
                        + " and cannot print this one");
                return BAD_USAGE;
            }
            System.out.println(dir);
            return 0;
        } catch (ConfigException e) {
            System.err.println(StderrLoggingProvider.oneLine(e.getMessage()));
            return INTERNAL_ERROR;
        }
    }

    /** The wrapper's version, from the jar manifest. */
    static String wrapperVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }

    private static int version(Path binary) throws InterruptedException {
        System.out.println("pot-nats " + wrapperVersion());
        System.out.flush();
        try {
            // Output inherited, not read: nothing here can block before the deadline applies.
            Process process = new ProcessBuilder(binary.toString(), "--version")
                    .inheritIO()
                    .start();
            if (!process.waitFor(VERSION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                LOG.error(
                        "'{} --version' did not finish within {} and was killed",
                        binary,
                        GoDuration.format(VERSION_TIMEOUT));
                return INTERNAL_ERROR;
            }
            return process.exitValue();
        } catch (IOException e) {
            LOG.error("cannot run '{} --version': {}", binary, e.getMessage());
            return BINARY_MISSING;
        }
    }
}
