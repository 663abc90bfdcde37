package com.datasance.pot.nats.api;

import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One coalesced change of watched content: every cause whose content differs from the state last
 * reported, the instant of the first event of the burst that led here, and the paths whose content
 * changed (added, removed or rewritten with different bytes).
 *
 * @param causes the causes whose content changed; never empty
 * @param firstEventAt when the first event of the burst was seen (the safety-net re-digest, which
 *     has no event, uses the instant it ran)
 * @param paths the changed paths, as watched (through symlinks, not resolved); never empty
 */
public record ChangeSet(Set<ChangeCause> causes, Instant firstEventAt, Set<Path> paths) {

    public ChangeSet {
        Objects.requireNonNull(causes, "causes");
        Objects.requireNonNull(firstEventAt, "firstEventAt");
        Objects.requireNonNull(paths, "paths");
        if (causes.isEmpty()) {
            throw new IllegalArgumentException("a change set names at least one cause");
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("a change set names at least one path");
        }
        causes = Set.copyOf(EnumSet.copyOf(causes));
        paths = Set.copyOf(paths);
    }

    /** Whether {@code cause} is among the causes of this change. */
    public boolean contains(ChangeCause cause) {
        return causes.contains(cause);
    }
}
