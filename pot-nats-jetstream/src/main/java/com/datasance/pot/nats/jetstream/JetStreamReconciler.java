package com.datasance.pot.nats.jetstream;

import com.datasance.pot.nats.api.SafeText;
import io.nats.client.Message;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
 * <p>Thread-safe. Passes run one at a time per reconciler and the copies {@link #withSettings}
 * makes: a {@link #reconcile()} called while a pass runs waits, and every call made during that
 * pass shares one follow-up pass (with the newest settings) and its report, so a burst of
 * requests costs at most two passes and each account is sent at most one request per pass.
 * {@link #pushClaims()} is serialised and merged the same way, apart from passes. Nothing logged
 * contains a JWT body, seed or creds.
 */
public final class JetStreamReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamReconciler.class);
    static final String PURGE_SUBJECT_PREFIX = "$JS.API.ACCOUNT.PURGE.";
    static final String CLAIMS_UPDATE_SUBJECT = "$SYS.REQ.CLAIMS.UPDATE";

    private final PurgeSettings settings;
    private final Memory memory;

    /**
     * What a reconciler remembers between passes, in memory only (no state file): when each
     * account's JWT was first seen absent (the grace period counts from there, so after a restart
     * it counts from the start-up pass), and the digest of each JWT last pushed.
     */
    private static final class Memory {
        final Clock clock;
        final Map<String, Instant> absentSince = new ConcurrentHashMap<>();
        // What the last push pushed, and the stat of each file when its content matched it.
        volatile PushedClaims pushed = PushedClaims.EMPTY;
        // One pass at a time per memory (withSettings copies share it); requests during a pass
        // merge into one follow-up. Pushes likewise, apart from passes.
        final MergedRuns<PurgeSettings, PurgeReport> passes = new MergedRuns<>();
        final MergedRuns<PurgeSettings, ClaimsPushReport> pushes = new MergedRuns<>();
        // Accounts due but kept because nats-server has (or may have) their connections: when to
        // ask again, and the reason last logged at INFO (logged again only when it changes).
        final Map<String, Held> held = new ConcurrentHashMap<>();

        Memory(Clock clock) {
            this.clock = clock;
        }
    }

    /**
     * An account kept for {@code reason} (HAS_CONNECTIONS or CONNECTIONS_UNKNOWN): asked again at
     * {@code retryAt} (or at any pass before), the {@code backoff} doubling from {@link #FIRST_RETRY} up to
     * {@link #LAST_RETRY} while the reason holds.
     */
    private record Held(PurgeSkipReason reason, Instant retryAt, Duration backoff) {}

    /** The first wait before an account kept for its connections is asked about again. */
    static final Duration FIRST_RETRY = Duration.ofSeconds(30);

    /** The longest wait between two questions about an account kept for its connections. */
    static final Duration LAST_RETRY = Duration.ofMinutes(5);

    private JetStreamReconciler(PurgeSettings settings, Memory memory) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.memory = memory;
    }

    /**
     * A reconciler with a fresh memory (no absence seen yet, nothing pushed yet): keep one for the
     * life of the caller, since the grace period counts from the first pass that saw a JWT absent.
     *
     * @param settings what to reconcile and how to connect
     * @return the reconciler; connects only when a pass or check needs to
     * @throws NullPointerException when {@code settings} is null
     */
    public static JetStreamReconciler of(PurgeSettings settings) {
        return of(settings, Clock.systemUTC());
    }

    static JetStreamReconciler of(PurgeSettings settings, Clock clock) {
        return new JetStreamReconciler(settings, new Memory(Objects.requireNonNull(clock, "clock")));
    }

    /**
     * A reconciler for {@code newSettings} that keeps this one's memory (absences under way, the
     * digests last pushed): a long-running caller makes one per pass as the config changes
     * without restarting any grace period.
     *
     * @param newSettings the settings of the passes the copy runs
     * @return a reconciler sharing this one's memory and its one-pass-at-a-time queue
     * @throws NullPointerException when {@code newSettings} is null
     */
    public JetStreamReconciler withSettings(PurgeSettings newSettings) {
        return new JetStreamReconciler(newSettings, memory);
    }

    /**
     * Connects as the configured system user and checks that the creds sign in and belong to the
     * system account (every server answers the system ping), then disconnects; sends nothing
     * else. Lets a caller report a wrong setting at start instead of at the first real removal.
     *
     * @throws ReconcileException saying exactly what is wrong: no creds, unreadable creds, nothing
     *     listening before the ready deadline, the sign-in refused, TLS failing (with the PKIX
     *     reason), or creds of another account
     * @throws InterruptedException when interrupted while connecting; nothing was sent
     */
    public void checkConnection() throws ReconcileException, InterruptedException {
        if (!settings.sends()) {
            throw new ReconcileException("no system user creds configured");
        }
        try (SystemConnection connection = SystemConnection.open(settings)) {
            LOG.debug("connection check passed for {}", "'" + SafeText.redactUrl(settings.clientUrl()) + "'");
        }
    }

    /**
     * When the next pass could purge more: a long-running caller schedules a pass then. An account
     * kept because nats-server still has (or may have) its connections is due again only after a
     * wait doubling from 30 s up to 5 min while it stays so, not at once: its grace period being
     * over must not make a caller run a pass after pass.
     *
     * @return when the earliest account now waiting out its grace period, or kept for its
     *     connections, is due to be looked at again; empty when none waits
     */
    public Optional<Instant> nextDue() {
        return memory.absentSince.entrySet().stream()
                .map(absent -> {
                    Held held = memory.held.get(absent.getKey());
                    return held != null ? held.retryAt() : absent.getValue().plus(settings.grace());
                })
                .min(Comparator.naturalOrder());
    }

    /**
     * The settings this reconciler's passes use.
     *
     * @return the settings given to {@link #of} or {@link #withSettings}
     */
    public PurgeSettings settings() {
        return settings;
    }

    /**
     * What a pass would purge now. Reads the store and resolver directories, sends nothing, logs
     * nothing.
     *
     * @return the plan, before the grace period; empty when the settings have no store dir
     *     (JetStream off)
     * @throws ReconcileException when the store dir does not exist, holds no {@code jetstream/}
     *     directory (e.g. {@code /varz}'s {@code store_dir}, which already ends in it, given
     *     instead of the configured one), or cannot be listed
     */
    public PurgePlan plan() throws ReconcileException {
        PurgePlan.Resolver resolver = settings.operatorMode()
                ? Directories.resolver(settings.resolverDir(), settings.systemAccount())
                : new PurgePlan.Resolver.None();
        Set<String> live = resolver instanceof PurgePlan.Resolver.Listed listed ? listed.accounts() : Set.of();
        if (settings.storeDir().isEmpty()) {
            return new PurgePlan(List.of(), Optional.empty());
        }
        List<PurgePlan.StoreEntry> store =
                Directories.storeExcept(settings.storeDir().get(), live);
        return PurgePlan.compute(store, resolver, settings.systemAccount());
    }

    /**
     * Computes and logs the plan with the grace period applied as a real pass would apply it now
     * (from this reconciler's memory of absences; a fresh reconciler counts from now, so with a
     * grace period above zero it keeps every account); sends nothing and changes no grace clock.
     *
     * @return the plan as a report: outcomes are {@code Planned} or {@code Skipped} (among them
     *     {@code IN_GRACE_PERIOD}), nothing sent
     * @throws ReconcileException as {@link #plan()}
     */
    public PurgeReport dryRun() throws ReconcileException {
        PurgePlan plan = plan();
        return finish(plan, graced(plan).outcomes(), false, "dry run");
    }

    /**
     * A dry run that asked nats-server, as a real pass would, which planned accounts still have
     * client or leafnode connections.
     *
     * @param report {@code Planned} for what a pass would purge now, {@code Skipped} with {@code
     *     IN_GRACE_PERIOD}, {@code HAS_CONNECTIONS} or {@code CONNECTIONS_UNKNOWN} for what it
     *     would keep; nothing sent but the connection questions
     * @param notChecked why the connections were not asked (no creds, server not reachable);
     *     then every {@code Planned} account would be purged only if it has none
     */
    public record DryRun(PurgeReport report, Optional<String> notChecked) {
        /**
         * Checks the components.
         *
         * @throws NullPointerException when one is null
         */
        public DryRun {
            Objects.requireNonNull(report, "report");
            Objects.requireNonNull(notChecked, "notChecked");
        }
    }

    /**
     * {@link #dryRun()} that also asks nats-server, when it can connect, which accounts due after
     * the grace period still have connections (read-only requests; no purge is sent). A dry run
     * that said "would purge" of an account a real pass keeps (for its client, or because its
     * grace period is not over) misled the operator. No grace clock is started or advanced.
     *
     * @return the plan with the connection answers, or why they were not asked
     * @throws ReconcileException as {@link #plan()}
     * @throws InterruptedException when interrupted while connecting or waiting for a reply
     */
    public DryRun dryRunAskingConnections() throws ReconcileException, InterruptedException {
        PurgePlan plan = plan();
        // The grace rule of a real pass at this moment, without touching its clock.
        List<PurgeOutcome> graced = graced(plan).outcomes();
        if (graced.stream().noneMatch(PurgeOutcome.Planned.class::isInstance)) {
            return new DryRun(finish(plan, graced, false, "dry run"), Optional.empty());
        }
        if (!settings.sends()) {
            return new DryRun(
                    finish(plan, graced, false, "dry run, connections not checked"),
                    Optional.of("no system user creds configured"));
        }
        List<PurgeOutcome> outcomes = new ArrayList<>(graced.size());
        try (SystemConnection connection = SystemConnection.open(settings)) {
            for (PurgeOutcome outcome : graced) {
                if (!(outcome instanceof PurgeOutcome.Planned planned)) {
                    outcomes.add(outcome);
                    continue;
                }
                outcomes.add(
                        switch (connection.connectionsOf(planned.account())) {
                            case SystemConnection.Connections.Known known
                            when known.total() > 0 ->
                                new PurgeOutcome.Skipped(
                                        planned.account(),
                                        PurgeSkipReason.HAS_CONNECTIONS,
                                        known.clients() + " client and " + known.leafnodes()
                                                + " leafnode connection(s)");
                            case SystemConnection.Connections.Known none -> planned;
                            case SystemConnection.Connections.Unknown unknown ->
                                new PurgeOutcome.Skipped(
                                        planned.account(), PurgeSkipReason.CONNECTIONS_UNKNOWN, unknown.why());
                        });
            }
        } catch (ReconcileException e) {
            return new DryRun(
                    finish(plan, graced, false, "dry run, connections not checked"), Optional.of(e.getMessage()));
        }
        return new DryRun(finish(plan, outcomes, false, "dry run"), Optional.empty());
    }

    /**
     * One pass: plan, then purge over one connection. Without creds the plan is logged and nothing
     * is sent (as the Go original did). Called while a pass runs, it waits and joins the one
     * follow-up pass that every such call shares (the report is the same object for all of them).
     *
     * @return one outcome per store entry that is not a live account, and whether requests were
     *     sent
     * @throws ReconcileException as {@link #plan()}, when the creds or CA file cannot be read, or
     *     when the server did not accept a connection before the ready deadline
     * @throws InterruptedException when interrupted while connecting or waiting for a reply
     */
    public PurgeReport reconcile() throws ReconcileException, InterruptedException {
        return memory.passes.request(settings, newest -> {
            JetStreamReconciler current = withSettings(newest);
            return current.executeNow(current.plan());
        });
    }

    /**
     * Carries out {@code plan} (from {@link #plan()}, possibly computed a while ago): before each
     * request the resolver directory is looked at again, and an account whose JWT is back, or a
     * directory that became unreadable or system-only, stops that request. Runs apart from every
     * other pass of this reconciler (it waits for one under way).
     *
     * @param plan the plan to carry out
     * @return one outcome per entry of {@code plan}
     * @throws ReconcileException as {@link #reconcile()}
     * @throws InterruptedException as {@link #reconcile()}
     */
    public PurgeReport execute(PurgePlan plan) throws ReconcileException, InterruptedException {
        Objects.requireNonNull(plan, "plan");
        return memory.passes.exclusive(settings, unused -> executeNow(plan));
    }

    private PurgeReport executeNow(PurgePlan plan) throws ReconcileException, InterruptedException {
        List<PurgeOutcome> planned = remember(graced(plan));
        boolean anyDue = planned.stream().anyMatch(PurgeOutcome.Planned.class::isInstance);
        if (!anyDue) {
            return finish(plan, planned, false, plan.toPurge().isEmpty() ? "nothing to purge" : "");
        }
        if (!settings.sends()) {
            return finish(plan, planned, false, "no system-user creds configured, nothing sent");
        }
        Path resolverDir =
                settings.resolverDir().orElseThrow(() -> new IllegalStateException("planned without a resolver dir"));
        // What was held before this pass: a hold logged then is not logged again at INFO.
        Map<String, PurgeSkipReason> heldBefore = new java.util.HashMap<>();
        memory.held.forEach((account, held) -> heldBefore.put(account, held.reason()));
        PurgeOutcome[] outcomes = new PurgeOutcome[planned.size()];
        // The first pass-wide rule that held when the directory was looked at again.
        Optional<PurgeSkipReason> changedDuringPass = Optional.empty();
        // Up to IN_FLIGHT requests wait for their replies at once: the pass pays the round trip
        // once per window, not once per account.
        Deque<Integer> inFlight = new ArrayDeque<>();
        List<CompletableFuture<Message>> replies = new ArrayList<>(Collections.nCopies(planned.size(), null));
        String dir = resolverDirForLog();
        logSending(planned);
        try (SystemConnection connection = SystemConnection.open(settings)) {
            for (int i = 0; i < planned.size(); i++) {
                if (!(planned.get(i) instanceof PurgeOutcome.Planned candidate)) {
                    outcomes[i] = planned.get(i);
                    continue;
                }
                String account = candidate.account();
                String subject = subject(account); // throws for anything but an account key
                // Rule 4: the directory may have changed since the plan (a mount rotating, an
                // account re-added); look again right before the request.
                Optional<PurgeSkipReason> unsafe = Directories.unsafeNow(resolverDir, settings.systemAccount());
                if (unsafe.isPresent()) {
                    outcomes[i] = new PurgeOutcome.Skipped(account, unsafe.get(), CHANGED_DURING_PASS);
                    changedDuringPass = changedDuringPass.or(() -> unsafe);
                    continue;
                }
                if (Directories.hasJwt(resolverDir, account)) {
                    memory.absentSince.remove(account);
                    memory.held.remove(account);
                    outcomes[i] = new PurgeOutcome.Skipped(account, PurgeSkipReason.BACK_IN_RESOLVER);
                    continue;
                }
                // Rule 6: an account nats-server still serves (a SIGHUP does not make it forget a
                // removed JWT) keeps its data; only a known zero purges.
                switch (connection.connectionsOf(account)) {
                    case SystemConnection.Connections.Known known
                    when known.total() > 0 -> {
                        outcomes[i] = new PurgeOutcome.Skipped(
                                account,
                                PurgeSkipReason.HAS_CONNECTIONS,
                                known.clients() + " client and " + known.leafnodes() + " leafnode connection(s)");
                        hold(account, PurgeSkipReason.HAS_CONNECTIONS);
                        continue;
                    }
                    case SystemConnection.Connections.Known none -> {
                        // no client: go on
                    }
                    case SystemConnection.Connections.Unknown unknown -> {
                        outcomes[i] =
                                new PurgeOutcome.Skipped(account, PurgeSkipReason.CONNECTIONS_UNKNOWN, unknown.why());
                        hold(account, PurgeSkipReason.CONNECTIONS_UNKNOWN);
                        continue;
                    }
                }
                replies.set(i, connection.send(subject, new byte[0]));
                inFlight.add(i);
                if (inFlight.size() >= IN_FLIGHT) {
                    int oldest = inFlight.poll();
                    outcomes[oldest] =
                            settled(outcome(connection, planned.get(oldest).account(), replies.get(oldest)), dir);
                }
            }
            while (!inFlight.isEmpty()) {
                int oldest = inFlight.poll();
                outcomes[oldest] =
                        settled(outcome(connection, planned.get(oldest).account(), replies.get(oldest)), dir);
            }
        } catch (InterruptedException e) {
            // A stop in the middle of a pass: what was purged so far was logged as it was confirmed;
            // requests already sent may still be carried out by nats-server.
            LOG.info(
                    "JetStream purge pass stopped before its end: {} account(s) purged; {} request(s) sent and not"
                            + " answered may still be carried out",
                    Arrays.stream(outcomes)
                            .filter(PurgeOutcome.Purged.class::isInstance)
                            .count(),
                    inFlight.size());
            throw e;
        }
        for (PurgeOutcome outcome : outcomes) {
            if (outcome instanceof PurgeOutcome.Purged purged) {
                memory.absentSince.remove(purged.account());
                memory.held.remove(purged.account());
            }
        }
        return finish(plan, Arrays.asList(outcomes), true, "", changedDuringPass, heldBefore);
    }

    /**
     * Rule 5 as a pass applies it now: {@code outcomes} is the plan with every account whose JWT
     * has not been absent for the whole grace period turned into {@code Skipped(IN_GRACE_PERIOD)};
     * {@code absentSince} is when each planned account was first seen absent, as a pass would
     * remember it (now for an account not seen absent before). Computing it changes nothing: a
     * real pass {@linkplain #remember remembers} it, a dry run does not (a dry run must not start
     * or advance a grace clock).
     */
    private record Graced(List<PurgeOutcome> outcomes, Map<String, Instant> absentSince) {}

    /** {@link Graced} for {@code plan} at this moment, from this memory; reads it, writes nothing. */
    private Graced graced(PurgePlan plan) {
        Instant now = memory.clock.instant();
        Map<String, Instant> absentSince = new LinkedHashMap<>();
        List<PurgeOutcome> result = new ArrayList<>(plan.outcomes().size());
        List<String> waiting = new ArrayList<>();
        for (PurgeOutcome outcome : plan.outcomes()) {
            if (outcome instanceof PurgeOutcome.Planned planned) {
                Instant since = memory.absentSince.getOrDefault(planned.account(), now);
                absentSince.put(planned.account(), since);
                Instant due = since.plus(settings.grace());
                if (now.isBefore(due)) {
                    result.add(new PurgeOutcome.Skipped(
                            planned.account(),
                            PurgeSkipReason.IN_GRACE_PERIOD,
                            "absent since " + since + ", due at " + due));
                    waiting.add(SafeText.quote(planned.account()) + " due at " + due);
                    continue;
                }
            }
            result.add(outcome);
        }
        if (!waiting.isEmpty()) {
            LOG.info(
                    "JetStream purge: {} account(s) waiting out the grace period {}: {}",
                    waiting.size(),
                    SafeText.duration(settings.grace()),
                    String.join(", ", waiting));
        }
        return new Graced(result, absentSince);
    }

    /**
     * A real pass's memory of {@code graced}: absences are counted from the first pass that saw
     * them; an account no longer planned (JWT back, data gone, a pass-wide rule holding) starts
     * again from zero. Passes run one at a time, so nothing else writes in between.
     */
    private List<PurgeOutcome> remember(Graced graced) {
        memory.absentSince.keySet().retainAll(graced.absentSince().keySet());
        memory.absentSince.putAll(graced.absentSince());
        memory.held.keySet().retainAll(memory.absentSince.keySet());
        return graced.outcomes();
    }

    /**
     * Records that {@code account} was kept for {@code reason}: the next question waits twice as
     * long as the last one while the reason stays the same (from FIRST_RETRY up to LAST_RETRY).
     */
    private void hold(String account, PurgeSkipReason reason) {
        Held before = memory.held.get(account);
        Duration wait = FIRST_RETRY;
        if (before != null && before.reason() == reason) {
            Duration doubled = before.backoff().multipliedBy(2);
            wait = doubled.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : doubled;
        }
        memory.held.put(account, new Held(reason, memory.clock.instant().plus(wait), wait));
    }

    /** True when {@code skip} is a connection hold already logged at INFO with the same reason. */
    private boolean heldBefore(PurgeOutcome.Skipped skip, Map<String, PurgeSkipReason> heldBefore) {
        return heldBefore.get(skip.account()) == skip.reason();
    }

    private static final int IN_FLIGHT = 32;
    private static final String CHANGED_DURING_PASS = "changed during the pass";

    /** The purge subject for {@code account}; throws rather than ever build one from a non-key. */
    private static String subject(String account) {
        if (!PurgePlan.isAccountKey(account)) {
            throw new IllegalStateException(
                    "refusing to send a purge for " + SafeText.quote(account) + ", not an account key");
        }
        return PURGE_SUBJECT_PREFIX + account;
    }

    private static PurgeOutcome outcome(SystemConnection connection, String account, CompletableFuture<Message> first)
            throws InterruptedException {
        String subject = subject(account);
        SystemConnection.Reply reply = connection.await(subject, new byte[0], first);
        return switch (reply) {
            case SystemConnection.Reply.Failed failed ->
                new PurgeOutcome.Failed(account, failed.kind(), failed.errCode(), failed.why());
            case SystemConnection.Reply.Answered answered
            when answered.reply().purgeInitiated() -> new PurgeOutcome.Purged(account);
            case SystemConnection.Reply.Answered answered ->
                new PurgeOutcome.Failed(
                        account,
                        PurgeOutcome.FailureKind.NOT_INITIATED,
                        "reply on '" + subject + "' did not say 'initiated: true'");
        };
    }

    /**
     * Logs a purge or a failure the moment its reply came, not with the rest of the pass: a pass
     * stopped half-way (SIGTERM) must still have said which accounts' data it deleted.
     */
    private static PurgeOutcome settled(PurgeOutcome outcome, String dir) {
        switch (outcome) {
            case PurgeOutcome.Purged p ->
                LOG.info(
                        "JetStream purge: purged account {}, not in resolver dir '{}'",
                        SafeText.quote(p.account()),
                        dir);
            case PurgeOutcome.Failed f ->
                LOG.warn("JetStream purge: failed for account {}: {}", SafeText.quote(f.account()), f.reason());
            default -> {}
        }
        return outcome;
    }

    /** One line before the first request: which accounts this pass is about to purge. */
    private static void logSending(List<PurgeOutcome> outcomes) {
        List<String> due = outcomes.stream()
                .filter(PurgeOutcome.Planned.class::isInstance)
                .map(PurgeOutcome::account)
                .toList();
        String names = due.stream().limit(NAMES_PER_LINE).map(SafeText::quote).collect(Collectors.joining(", "));
        LOG.info(
                "JetStream purge: checking connections and sending purge requests for {} account(s): {}{}",
                due.size(),
                names,
                due.size() > NAMES_PER_LINE ? " and " + (due.size() - NAMES_PER_LINE) + " more" : "");
    }

    /** At most this many account keys in the line that opens a pass's requests. */
    private static final int NAMES_PER_LINE = 10;

    private String resolverDirForLog() {
        return settings.resolverDir().map(Path::toString).map(SafeText::escape).orElse("(none)");
    }

    private PurgeReport finish(PurgePlan plan, List<PurgeOutcome> outcomes, boolean sent, String note) {
        return finish(plan, outcomes, sent, note, Optional.empty(), Map.of());
    }

    // Details, reasons and warnings are our own messages, whose outside values were escaped
    // (SafeText) where they were put in: escaping them again showed every quote as \'.
    private PurgeReport finish(
            PurgePlan plan,
            List<PurgeOutcome> outcomes,
            boolean sent,
            String note,
            Optional<PurgeSkipReason> changedDuringPass,
            Map<String, PurgeSkipReason> heldBefore) {
        String dir = resolverDirForLog();
        for (PurgeOutcome outcome : outcomes) {
            switch (outcome) {
                case PurgeOutcome.Planned p ->
                    LOG.info("JetStream purge: would purge account {} ({})", SafeText.quote(p.account()), note);
                // Logged the moment the reply came (settled).
                case PurgeOutcome.Purged p -> {}
                case PurgeOutcome.Failed f -> {}
                // Still kept for the same reason as at the last pass: said once, at the change.
                case PurgeOutcome.Skipped s
                when heldBefore(s, heldBefore) ->
                    LOG.debug(
                            "JetStream purge: still skipped {}: {}{}",
                            SafeText.quote(s.account()),
                            s.reason().description(),
                            s.detail().isEmpty() ? "" : " (" + s.detail() + ")");
                case PurgeOutcome.Skipped s ->
                    LOG.info(
                            "JetStream purge: skipped {}: {}{}",
                            SafeText.quote(s.account()),
                            s.reason().description(),
                            s.detail().isEmpty() ? "" : " (" + s.detail() + ")");
            }
        }
        Optional<String> warning = plan.warning();
        plan.warning().ifPresent(w -> LOG.warn("JetStream purge: purging nothing: {}", w));
        if (warning.isEmpty() && changedDuringPass.isPresent()) {
            warning = Optional.of("the resolver directory '" + dir + "' changed during the pass ("
                    + changedDuringPass.get().description() + "); no request was sent while it was so");
            LOG.warn("JetStream purge: {}", warning.get());
        }
        PurgeReport report = new PurgeReport(outcomes, warning, sent);
        LOG.info("JetStream purge pass: {}{}", report.summary(), note.isEmpty() ? "" : " (" + note + ")");
        return report;
    }

    /** A JWT larger than this is not an account JWT nats-server would accept (its default max_payload is 1 MiB). */
    static final int MAX_JWT_BYTES = 1 << 20;

    private static final int PUSH_IN_FLIGHT = 16;

    /**
     * Publishes the account JWTs of the resolver directory that were added or changed since this
     * reconciler's last push (by SHA-256 of the content; the first push sends all) to {@code
     * $SYS.REQ.CLAIMS.UPDATE} over one connection as the system user, up to {@value
     * #PUSH_IN_FLIGHT} requests in flight, so that added and changed accounts take effect without
     * a restart. Only regular files (a symlink is never followed), at most {@value #MAX_JWT_BYTES}
     * bytes, whose content is an account JWT whose subject is the file's key are sent; every other
     * file is skipped with the reason, logged, and never sent. Without creds nothing is sent.
     *
     * @return what was accepted and refused; {@code requestsSent} false when nothing was sent
     * @throws ReconcileException as {@link #reconcile()}, or when the resolver directory cannot be read
     * @throws InterruptedException when interrupted while connecting or waiting for replies
     */
    public ClaimsPushReport pushClaims() throws ReconcileException, InterruptedException {
        return memory.pushes.request(settings, newest -> withSettings(newest).pushNow());
    }

    private ClaimsPushReport pushNow() throws ReconcileException, InterruptedException {
        if (settings.resolverDir().isEmpty() || !settings.operatorMode()) {
            LOG.info("claims push: no resolver directory, nothing to push");
            return new ClaimsPushReport(List.of(), Map.of(), false);
        }
        Path dir = settings.resolverDir().get();
        // One pass over the directory: each changed JWT is sent as soon as it is found, with at
        // most PUSH_IN_FLIGHT of them held at once (the first push after a start sends all 10,001:
        // holding them all first took ~10 MB of heap).
        PushedClaims previous = memory.pushed;
        PushedClaims.Builder next = new PushedClaims.Builder();
        Push push = new Push(next);
        Map<String, String> skipped = new LinkedHashMap<>();
        long trustedBefore = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - 1000);
        int changed = 0;
        try (push;
                DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + Directories.JWT_SUFFIX)) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                String key = name.substring(0, name.length() - Directories.JWT_SUFFIX.length());
                // A file whose stat is what it was when its content matched the last push is not
                // read again (10,001 JWTs: a stat each instead of a read and a parse each); an
                // mtime within the last second is not trusted (a same-size rewrite in the same
                // clock tick would look unchanged).
                Optional<ClaimsFile.Stamp> stamp = ClaimsFile.stamp(path);
                int known = previous.indexOf(key);
                if (stamp.isPresent()
                        && previous.stampMatches(known, stamp.get())
                        && stamp.get().mtimeNanos() < trustedBefore) {
                    next.keep(previous, known);
                    continue;
                }
                switch (ClaimsFile.read(path, key)) {
                    case ClaimsFile.Candidate candidate -> {
                        if (previous.pushed(known, candidate.digest())) {
                            next.same(key, candidate.digest(), stamp.orElse(null));
                        } else {
                            changed++;
                            int handle = next.pending(key);
                            if (settings.sends()) {
                                push.send(candidate, handle);
                            }
                        }
                    }
                    case ClaimsFile.Rejected rejected -> skipped.put(name, rejected.why());
                }
            }
            push.drain();
        } catch (IOException e) {
            throw new ReconcileException(
                    "cannot read the resolver directory " + SafeText.quote(dir.toString()) + ": "
                            + SafeText.escape(e.toString()),
                    e);
        }
        memory.pushed = next.build();
        for (Map.Entry<String, String> skip : skipped.entrySet()) {
            LOG.warn("claims push: skipped {}: {}; not sent", SafeText.quote(skip.getKey()), skip.getValue());
        }
        if (changed == 0) {
            LOG.info("claims push: no account JWT added or changed since the last push");
            return new ClaimsPushReport(List.of(), Map.of(), false);
        }
        if (!settings.sends()) {
            LOG.info("claims push: no system-user creds configured, {} JWT(s) not pushed", changed);
            return new ClaimsPushReport(List.of(), Map.of(), false);
        }
        for (Map.Entry<String, String> failure : push.failed.entrySet()) {
            LOG.warn("claims push: failed for account {}: {}", SafeText.quote(failure.getKey()), failure.getValue());
        }
        push.updated.sort(Comparator.naturalOrder());
        LOG.info("claims push: {} account JWT(s) pushed, {} failed", push.updated.size(), push.failed.size());
        return new ClaimsPushReport(push.updated, push.failed, true);
    }

    /**
     * The requests of one claims push: the connection is opened at the first changed JWT (none
     * when nothing changed), up to {@value #PUSH_IN_FLIGHT} requests wait for their replies, and
     * each accepted one is recorded in the table being built.
     */
    private final class Push implements AutoCloseable {
        private final PushedClaims.Builder table;
        private final Deque<InFlight> inFlight = new ArrayDeque<>();
        final List<String> updated = new ArrayList<>();
        final Map<String, String> failed = new LinkedHashMap<>();
        private SystemConnection connection;

        private record InFlight(ClaimsFile.Candidate candidate, int handle, CompletableFuture<Message> reply) {}

        Push(PushedClaims.Builder table) {
            this.table = table;
        }

        void send(ClaimsFile.Candidate candidate, int handle) throws ReconcileException, InterruptedException {
            if (connection == null) {
                connection = SystemConnection.open(settings);
            }
            inFlight.add(new InFlight(candidate, handle, connection.send(CLAIMS_UPDATE_SUBJECT, candidate.body())));
            if (inFlight.size() >= PUSH_IN_FLIGHT) {
                settle(inFlight.poll());
            }
        }

        void drain() throws InterruptedException {
            while (!inFlight.isEmpty()) {
                settle(inFlight.poll());
            }
        }

        private void settle(InFlight sent) throws InterruptedException {
            ClaimsFile.Candidate candidate = sent.candidate();
            SystemConnection.Reply reply = connection.await(CLAIMS_UPDATE_SUBJECT, candidate.body(), sent.reply());
            switch (reply) {
                case SystemConnection.Reply.Failed f -> failed.put(candidate.account(), f.why());
                case SystemConnection.Reply.Answered a -> {
                    updated.add(candidate.account());
                    table.pushed(sent.handle(), candidate.digest());
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (connection != null) {
                connection.close();
            }
        }
    }
}
