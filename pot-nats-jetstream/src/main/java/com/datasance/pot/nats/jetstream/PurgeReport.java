package com.datasance.pot.nats.jetstream;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one purge reconciliation pass: one outcome per account found with JetStream data
 * (in store order), and the warning that stopped the whole pass, if one did.
 *
 * @param outcomes one entry per account directory examined
 * @param warning why the pass purged nothing at all, when a pass-wide safety rule held
 * @param requestsSent false for a dry run or when no system-user creds were configured
 */
public record PurgeReport(List<PurgeOutcome> outcomes, Optional<String> warning, boolean requestsSent) {

    /**
     * Copies the outcomes.
     *
     * @throws NullPointerException when a component is null
     */
    public PurgeReport {
        outcomes = List.copyOf(Objects.requireNonNull(outcomes, "outcomes"));
        Objects.requireNonNull(warning, "warning");
    }

    /**
     * The outcomes of one kind.
     *
     * @return the accounts that would be purged, in store order
     */
    public List<PurgeOutcome.Planned> planned() {
        return only(PurgeOutcome.Planned.class);
    }

    /**
     * The outcomes of one kind.
     *
     * @return the accounts purged, in store order
     */
    public List<PurgeOutcome.Purged> purged() {
        return only(PurgeOutcome.Purged.class);
    }

    /**
     * The outcomes of one kind.
     *
     * @return the accounts a safety rule kept, in store order
     */
    public List<PurgeOutcome.Skipped> skipped() {
        return only(PurgeOutcome.Skipped.class);
    }

    /**
     * The outcomes of one kind.
     *
     * @return the accounts whose request failed, in store order
     */
    public List<PurgeOutcome.Failed> failed() {
        return only(PurgeOutcome.Failed.class);
    }

    /**
     * True when no request failed; the {@code reconcile} command exits 0 exactly then.
     *
     * @return whether nothing failed
     */
    public boolean succeeded() {
        return failed().isEmpty();
    }

    /**
     * The tail of the pass's summary line.
     *
     * @return e.g. {@code 2 planned, 1 purged, 3 skipped, 0 failed}: planned counts what was due
     *     (purged, failed, or kept for its connections or its JWT being back are among it)
     */
    public String summary() {
        return due() + " planned, " + purged().size() + " purged, " + skipped().size() + " skipped, " + failed().size()
                + " failed";
    }

    /**
     * What the pass found due: planned, purged, failed, or kept by a rule only a pass about to
     * send checks (connections, JWT back); "0 planned, 1 purged" read as a contradiction.
     */
    private long due() {
        return outcomes.stream()
                .filter(outcome -> switch (outcome) {
                    case PurgeOutcome.Planned p -> true;
                    case PurgeOutcome.Purged p -> true;
                    case PurgeOutcome.Failed f -> true;
                    case PurgeOutcome.Skipped s ->
                        s.reason() == PurgeSkipReason.HAS_CONNECTIONS
                                || s.reason() == PurgeSkipReason.CONNECTIONS_UNKNOWN
                                || s.reason() == PurgeSkipReason.BACK_IN_RESOLVER;
                })
                .count();
    }

    private <T extends PurgeOutcome> List<T> only(Class<T> type) {
        return outcomes.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
