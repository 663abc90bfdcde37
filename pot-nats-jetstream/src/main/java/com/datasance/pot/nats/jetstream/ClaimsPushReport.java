package com.datasance.pot.nats.jetstream;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of a claims push: the accounts whose JWT the server accepted, those it did not (with
 * why, never the JWT), and whether anything was sent at all. Files skipped before sending (not an
 * account JWT, a symlink, too large) are logged, not listed here.
 *
 * @param updated the account keys whose JWT the server accepted, sorted; unmodifiable
 * @param failed account key to the server's reason for refusing its JWT (or why no reply came);
 *     unmodifiable
 * @param requestsSent false when nothing was sent: no JWT added or changed since the last push, no
 *     resolver directory, or no system-user creds configured
 */
public record ClaimsPushReport(List<String> updated, Map<String, String> failed, boolean requestsSent) {

    /**
     * Copies both collections.
     *
     * @throws NullPointerException when {@code updated} or {@code failed} is null or holds null
     */
    public ClaimsPushReport {
        updated = List.copyOf(Objects.requireNonNull(updated, "updated"));
        failed = Map.copyOf(Objects.requireNonNull(failed, "failed"));
    }

    /**
     * Whether every JWT sent was accepted.
     *
     * @return true when {@link #failed()} is empty (also when nothing was sent)
     */
    public boolean succeeded() {
        return failed.isEmpty();
    }
}
