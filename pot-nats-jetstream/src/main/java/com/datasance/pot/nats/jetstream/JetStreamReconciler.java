package com.datasance.pot.nats.jetstream;

import com.datasance.pot.nats.api.PurgeOutcome;
import com.datasance.pot.nats.api.PurgeReport;
import com.datasance.pot.nats.api.PurgeSkipReason;
import io.nats.client.Message;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges the JetStream data of accounts that left the JWT resolver, and pushes account JWTs to a
 * running server.
 *
 * <p>A pass: {@link #plan()} (pure, from directory listings), then, when system-user creds are
 * configured, one connection and one {@code $JS.API.ACCOUNT.PURGE.<account>} request per planned
 * account, each preceded by a fresh look at the resolver directory. The purge API refuses nothing
 * (a purge of a live account deletes its streams; of {@code /}, every account's data), so every
 * check here runs before a request is sent. One log line per account, one summary line per pass.
 *
 * <p>Thread-safe as long as passes do not overlap (callers serialise them; two passes at once
 * would purge nothing wrong but log everything twice). Nothing logged contains a JWT body, seed or
 * creds.
 */
public final class JetStreamReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamReconciler.class);
    static final String PURGE_SUBJECT_PREFIX = "$JS.API.ACCOUNT.PURGE.";
    static final String CLAIMS_UPDATE_SUBJECT = "$SYS.REQ.CLAIMS.UPDATE";

    private final PurgeSettings settings;

    private JetStreamReconciler(PurgeSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public static JetStreamReconciler of(PurgeSettings settings) {
        return new JetStreamReconciler(settings);
    }

    public PurgeSettings settings() {
        return settings;
    }

    /**
     * What a pass would purge now. Reads the store and resolver directories, sends nothing, logs
     * nothing.
     *
     * @throws ReconcileException when {@code <store_dir>/jetstream} exists and cannot be listed
     */
    public PurgePlan plan() throws ReconcileException {
        PurgePlan.Resolver resolver =
                settings.operatorMode() ? Directories.resolver(settings.resolverDir()) : new PurgePlan.Resolver.None();
        Set<String> live = resolver instanceof PurgePlan.Resolver.Listed listed ? listed.accounts() : Set.of();
        List<PurgePlan.StoreEntry> store = Directories.storeExcept(settings.accountsDir(), live);
        return PurgePlan.compute(store, resolver, settings.systemAccount());
    }

    /** Computes and logs the plan; sends nothing. Outcomes are {@code Planned} or {@code Skipped}. */
    public PurgeReport dryRun() throws ReconcileException {
        PurgePlan plan = plan();
        return finish(plan, plan.outcomes(), false, "dry run");
    }

    /**
     * One pass: plan, then purge over one connection. Without creds the plan is logged and nothing
     * is sent (as the Go original did).
     *
     * @throws ReconcileException when the store cannot be listed, the creds or CA file cannot be
     *     read, or the server did not accept a connection before the ready deadline
     * @throws InterruptedException when interrupted while connecting or waiting for a reply
     */
    public PurgeReport reconcile() throws ReconcileException, InterruptedException {
        return execute(plan());
    }

    /**
     * Carries out {@code plan} (from {@link #plan()}, possibly computed a while ago): before each
     * request the resolver directory is looked at again, and an account whose JWT is back, or a
     * directory that became unreadable or system-only, stops that request.
     *
     * @throws ReconcileException as {@link #reconcile()}
     * @throws InterruptedException as {@link #reconcile()}
     */
    public PurgeReport execute(PurgePlan plan) throws ReconcileException, InterruptedException {
        if (plan.toPurge().isEmpty()) {
            return finish(plan, plan.outcomes(), false, "nothing to purge");
        }
        if (settings.credsFile().isEmpty()) {
            return finish(plan, plan.outcomes(), false, "no system-user creds configured, nothing sent");
        }
        Path resolverDir =
                settings.resolverDir().orElseThrow(() -> new IllegalStateException("planned without a resolver dir"));
        List<PurgeOutcome> planned = plan.outcomes();
        PurgeOutcome[] outcomes = new PurgeOutcome[planned.size()];
        // Up to IN_FLIGHT requests wait for their replies at once: the pass pays the round trip
        // once per window, not once per account.
        Deque<Integer> inFlight = new ArrayDeque<>();
        List<CompletableFuture<Message>> replies = new ArrayList<>(Collections.nCopies(planned.size(), null));
        try (SystemConnection connection =
                SystemConnection.open(settings, settings.credsFile().get())) {
            for (int i = 0; i < planned.size(); i++) {
                if (!(planned.get(i) instanceof PurgeOutcome.Planned candidate)) {
                    outcomes[i] = planned.get(i);
                    continue;
                }
                String account = candidate.account();
                // Rule 4: the directory may have changed since the plan (a mount rotating, an
                // account re-added); look again right before the request.
                Optional<String> unsafe = Directories.unsafeNow(resolverDir, settings.systemAccount());
                if (unsafe.isPresent()) {
                    outcomes[i] = new PurgeOutcome.Skipped(
                            account,
                            unsafe.get().startsWith("cannot read")
                                    ? PurgeSkipReason.RESOLVER_DIR_UNREADABLE
                                    : PurgeSkipReason.RESOLVER_DIR_EMPTY,
                            CHANGED_DURING_PASS);
                } else if (Directories.hasJwt(resolverDir, account)) {
                    outcomes[i] = new PurgeOutcome.Skipped(account, PurgeSkipReason.BACK_IN_RESOLVER);
                } else {
                    replies.set(i, connection.send(subject(account), new byte[0]));
                    inFlight.add(i);
                    if (inFlight.size() >= IN_FLIGHT) {
                        int oldest = inFlight.poll();
                        outcomes[oldest] =
                                outcome(connection, planned.get(oldest).account(), replies.get(oldest));
                    }
                }
            }
            while (!inFlight.isEmpty()) {
                int oldest = inFlight.poll();
                outcomes[oldest] = outcome(connection, planned.get(oldest).account(), replies.get(oldest));
            }
        }
        return finish(plan, Arrays.asList(outcomes), true, "");
    }

    private static final int IN_FLIGHT = 32;
    private static final String CHANGED_DURING_PASS = "changed during the pass";

    /** The purge subject for {@code account}; throws rather than ever build one from a non-key. */
    private static String subject(String account) {
        if (!PurgePlan.isAccountKey(account)) {
            throw new IllegalStateException("refusing to send a purge for '" + account + "', not an account key");
        }
        return PURGE_SUBJECT_PREFIX + account;
    }

    private static PurgeOutcome outcome(SystemConnection connection, String account, CompletableFuture<Message> first)
            throws InterruptedException {
        String subject = subject(account);
        SystemConnection.Reply reply = connection.await(subject, new byte[0], first);
        return switch (reply) {
            case SystemConnection.Reply.Failed failed -> new PurgeOutcome.Failed(account, failed.why());
            case SystemConnection.Reply.Answered answered
            when answered.reply().purgeInitiated() -> new PurgeOutcome.Purged(account);
            case SystemConnection.Reply.Answered answered ->
                new PurgeOutcome.Failed(account, "reply on '" + subject + "' did not say 'initiated: true'");
        };
    }

    private PurgeReport finish(PurgePlan plan, List<PurgeOutcome> outcomes, boolean sent, String note) {
        String dir = settings.resolverDir().map(Path::toString).orElse("(none)");
        for (PurgeOutcome outcome : outcomes) {
            switch (outcome) {
                case PurgeOutcome.Planned p ->
                    LOG.info("JetStream purge: would purge account '{}' ({})", p.account(), note);
                case PurgeOutcome.Purged p ->
                    LOG.info("JetStream purge: purged account '{}', not in resolver dir '{}'", p.account(), dir);
                case PurgeOutcome.Skipped s ->
                    LOG.info(
                            "JetStream purge: skipped '{}': {}{}",
                            s.account(),
                            s.reason().description(),
                            s.detail().isEmpty() ? "" : " (" + s.detail() + ")");
                case PurgeOutcome.Failed f ->
                    LOG.warn("JetStream purge: failed for account '{}': {}", f.account(), f.reason());
            }
        }
        Optional<String> warning = plan.warning();
        plan.warning().ifPresent(w -> LOG.warn("JetStream purge: purging nothing: {}", w));
        for (PurgeOutcome outcome : outcomes) {
            if (warning.isEmpty()
                    && outcome instanceof PurgeOutcome.Skipped s
                    && s.detail().equals(CHANGED_DURING_PASS)) {
                warning = Optional.of("the resolver directory '" + dir + "' changed during the pass ("
                        + s.reason().description() + "); no request was sent while it was so");
                LOG.warn("JetStream purge: {}", warning.get());
            }
        }
        PurgeReport report = new PurgeReport(outcomes, warning, sent);
        LOG.info("JetStream purge pass: {}{}", report.summary(), note.isEmpty() ? "" : " (" + note + ")");
        return report;
    }

    /**
     * Publishes every account JWT of the resolver directory, as the raw JWT, to {@code
     * $SYS.REQ.CLAIMS.UPDATE} over one connection as the system user, so that added and changed
     * accounts take effect without a restart. Without creds nothing is sent.
     *
     * @throws ReconcileException as {@link #reconcile()}, or when the resolver directory cannot be read
     */
    public ClaimsPushReport pushClaims() throws ReconcileException, InterruptedException {
        if (settings.resolverDir().isEmpty() || !settings.operatorMode()) {
            LOG.info("claims push: no resolver directory, nothing to push");
            return new ClaimsPushReport(List.of(), Map.of(), false);
        }
        Path dir = settings.resolverDir().get();
        List<Path> jwts = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + Directories.JWT_SUFFIX)) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                if (Files.isRegularFile(path)
                        && PurgePlan.isAccountKey(name.substring(0, name.length() - Directories.JWT_SUFFIX.length()))) {
                    jwts.add(path);
                }
            }
        } catch (IOException e) {
            throw new ReconcileException("cannot read the resolver directory '" + dir + "': " + e, e);
        }
        jwts.sort(null);
        if (settings.credsFile().isEmpty()) {
            LOG.info("claims push: no system-user creds configured, {} JWT(s) not pushed", jwts.size());
            return new ClaimsPushReport(List.of(), Map.of(), false);
        }
        List<String> updated = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        try (SystemConnection connection =
                SystemConnection.open(settings, settings.credsFile().get())) {
            for (Path jwt : jwts) {
                String name = jwt.getFileName().toString();
                String account = name.substring(0, name.length() - Directories.JWT_SUFFIX.length());
                byte[] body;
                try {
                    body = Files.readAllBytes(jwt);
                } catch (IOException e) {
                    failed.put(account, "cannot read '" + jwt + "': " + e.getMessage());
                    continue;
                }
                SystemConnection.Reply reply = connection.request(CLAIMS_UPDATE_SUBJECT, trim(body));
                switch (reply) {
                    case SystemConnection.Reply.Failed f -> failed.put(account, f.why());
                    case SystemConnection.Reply.Answered a -> updated.add(account);
                }
            }
        }
        for (Map.Entry<String, String> failure : failed.entrySet()) {
            LOG.warn("claims push: failed for account '{}': {}", failure.getKey(), failure.getValue());
        }
        LOG.info("claims push: {} account JWT(s) pushed, {} failed", updated.size(), failed.size());
        return new ClaimsPushReport(updated, failed, true);
    }

    /** JWT files written by hand often end with a newline; nats-server decodes the token exactly. */
    private static byte[] trim(byte[] body) {
        int end = body.length;
        while (end > 0 && Character.isWhitespace(body[end - 1])) {
            end--;
        }
        return end == body.length ? body : java.util.Arrays.copyOf(body, end);
    }
}
