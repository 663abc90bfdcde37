package com.datasance.pot.nats.jetstream;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of a claims push: the accounts whose JWT the server accepted, those it did not (with
 * why, never the JWT), and whether anything was sent at all.
 */
public record ClaimsPushReport(List<String> updated, Map<String, String> failed, boolean requestsSent) {

    public ClaimsPushReport {
        updated = List.copyOf(Objects.requireNonNull(updated, "updated"));
        failed = Map.copyOf(Objects.requireNonNull(failed, "failed"));
    }

    public boolean succeeded() {
        return failed.isEmpty();
    }
}
