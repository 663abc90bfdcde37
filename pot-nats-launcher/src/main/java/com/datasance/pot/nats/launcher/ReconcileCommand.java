package com.datasance.pot.nats.launcher;

import com.datasance.pot.nats.api.SafeText;
import com.datasance.pot.nats.config.ConfigException;
import com.datasance.pot.nats.config.NatsConfigReader;
import com.datasance.pot.nats.jetstream.JetStreamReconciler;
import com.datasance.pot.nats.jetstream.PurgeOutcome;
import com.datasance.pot.nats.jetstream.PurgeReport;
import com.datasance.pot.nats.jetstream.PurgeSkipReason;
import com.datasance.pot.nats.jetstream.ReconcileException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pot-nats reconcile [--dry-run]}: one purge pass now against the running nats-server
 * (NATS_CLIENT_URL), from the same environment contract and config as the wrapper. Prints one
 * line per account and a summary on stdout; the library's log lines go to stderr.
 *
 * <p>Exit status: 0 when nothing failed (reconciliation off counts as nothing failed), 1 when an
 * account failed or the pass could not run (config unreadable, server not answering).
 */
final class ReconcileCommand {

    // Messages of our exceptions and outcomes quote outside values already (SafeText): they are
    // only kept on one line here, as the log does; escaping them again showed every quote as \'.

    /** A command run by hand: a server that is not up within this is reported, not waited for. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

    private ReconcileCommand() {}

    static int run(LauncherSettings settings, Map<String, String> env, boolean dryRun, PrintStream out)
            throws InterruptedException {
        PurgeService.Setup setup;
        try {
            setup = PurgeService.Setup.of(
                    settings, NatsConfigReader.readServerConfig(settings.conf(), env), READY_TIMEOUT);
        } catch (ConfigException e) {
            out.println("cannot read NATS_CONF: " + StderrLoggingProvider.oneLine(e.getMessage()));
            return Main.INTERNAL_ERROR;
        } catch (ReconcileException e) {
            out.println("reconcile failed: " + StderrLoggingProvider.oneLine(e.getMessage()));
            return Main.INTERNAL_ERROR;
        }
        if (setup.purgeOff().isPresent()) {
            out.println("reconciliation is off: " + setup.purgeOff().get());
            return 0;
        }
        JetStreamReconciler reconciler = JetStreamReconciler.of(setup.settings().orElseThrow());
        PurgeReport report;
        // A dry run asks the connection question a real pass asks, when it can connect.
        Optional<String> notChecked = Optional.empty();
        try {
            if (dryRun) {
                JetStreamReconciler.DryRun run = reconciler.dryRunAskingConnections();
                report = run.report();
                notChecked = run.notChecked();
            } else {
                report = reconciler.reconcile();
            }
        } catch (ReconcileException e) {
            out.println("reconcile failed: " + StderrLoggingProvider.oneLine(e.getMessage()));
            return Main.INTERNAL_ERROR;
        }
        for (PurgeOutcome outcome : report.outcomes()) {
            out.println(dryRun ? dryRunLine(outcome, notChecked) : line(outcome));
        }
        report.warning()
                .ifPresent(
                        warning -> out.println("warning: purging nothing: " + StderrLoggingProvider.oneLine(warning)));
        String note = dryRun
                ? " (dry run, nothing sent)"
                : report.requestsSent() || report.planned().isEmpty()
                        ? ""
                        : " (no NATS_SYS_USER_CRED_PATH, nothing sent)";
        out.println("summary: " + report.summary() + note);
        return report.succeeded() ? 0 : Main.INTERNAL_ERROR;
    }

    /**
     * A dry run's line: {@code would keep NAME: why (detail)} for an account a pass would keep now
     * (its grace period not over, its connections); {@code would purge KEY unless it has
     * connections (not checked: why)} when they could not be asked; else as {@link #line}.
     */
    static String dryRunLine(PurgeOutcome outcome, Optional<String> notChecked) {
        return switch (outcome) {
            case PurgeOutcome.Skipped s
            when s.reason() == PurgeSkipReason.HAS_CONNECTIONS
                    || s.reason() == PurgeSkipReason.CONNECTIONS_UNKNOWN
                    || s.reason() == PurgeSkipReason.IN_GRACE_PERIOD -> "would keep " + why(s);
            case PurgeOutcome.Planned p
            when notChecked.isPresent() ->
                "would purge " + SafeText.escape(p.account()) + " unless it has connections (not checked: "
                        + StderrLoggingProvider.oneLine(notChecked.get()) + ")";
            default -> line(outcome);
        };
    }

    /** {@code purged KEY}, {@code would purge KEY}, {@code kept NAME: why}, {@code failed KEY: why}. */
    static String line(PurgeOutcome outcome) {
        return switch (outcome) {
            case PurgeOutcome.Planned p -> "would purge " + SafeText.escape(p.account());
            case PurgeOutcome.Purged p -> "purged " + SafeText.escape(p.account());
            case PurgeOutcome.Skipped s -> "kept " + why(s);
            case PurgeOutcome.Failed f ->
                "failed " + SafeText.escape(f.account()) + ": " + StderrLoggingProvider.oneLine(f.reason());
        };
    }

    /** {@code NAME: why (detail)}, and for the grace period how a one-shot pass counts it. */
    private static String why(PurgeOutcome.Skipped s) {
        return SafeText.quote(s.account()) + ": " + s.reason().description()
                + (s.detail().isEmpty() ? "" : " (" + StderrLoggingProvider.oneLine(s.detail()) + ")")
                + (s.reason() == PurgeSkipReason.IN_GRACE_PERIOD
                        ? "; a one-shot pass counts the grace period from now, NATS_PURGE_GRACE=0 purges at once"
                        : "");
    }
}
