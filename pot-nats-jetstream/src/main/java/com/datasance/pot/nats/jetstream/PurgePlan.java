package com.datasance.pot.nats.jetstream;

import io.nats.client.NKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a pass would do, computed from listings only (no I/O): one {@link PurgeOutcome.Planned} or
 * {@link PurgeOutcome.Skipped} per store entry that is not a live account, and the pass-wide
 * warning when a safety rule stops everything.
 *
 * @param outcomes one {@code Planned} or {@code Skipped} per store entry whose account is not in
 *     the resolver, in store order; unmodifiable
 * @param warning why the whole pass purges nothing (resolver directory unreadable, or holding no
 *     account but the system account's), ready to log; empty otherwise
 */
public record PurgePlan(List<PurgeOutcome> outcomes, Optional<String> warning) {

    /**
     * Copies the outcomes.
     *
     * @throws NullPointerException when an argument is null or {@code outcomes} holds null
     */
    public PurgePlan {
        outcomes = List.copyOf(Objects.requireNonNull(outcomes, "outcomes"));
        Objects.requireNonNull(warning, "warning");
    }

    /**
     * One entry of {@code <store_dir>/jetstream}: its name, and how it looked without following links.
     *
     * @param name the entry's file name (an account key when nats-server made it; checked, never
     *     trusted)
     * @param kind what the entry is, by {@code lstat}
     */
    public record StoreEntry(String name, Kind kind) {
        /** What a store entry is, seen without following links. */
        public enum Kind {
            /** A plain directory: an account's JetStream data. */
            DIRECTORY,
            /** A directory that holds {@code _js_}: cluster meta state, only ever the system account's. */
            META_DIRECTORY,
            /** A symbolic link: never followed, never purged (its target may be anything). */
            SYMLINK
        }

        /**
         * Validates the entry.
         *
         * @throws NullPointerException when {@code name} or {@code kind} is null
         */
        public StoreEntry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** The resolver directory as read: the account keys of its {@code <KEY>.jwt} files, or why it could not be read. */
    public sealed interface Resolver {
        /**
         * The directory was read.
         *
         * @param accounts the keys of its {@code <KEY>.jwt} files (not {@code *.jwt.deleted}, not
         *     subdirectories); unmodifiable
         * @param holdsAccountJwt whether a file besides the system account's holds a real account
         *     JWT for its key; false purges nothing (rule 3: an emptied or garbage file next to the
         *     system account's JWT is a broken mount, not a live account)
         */
        record Listed(Set<String> accounts, boolean holdsAccountJwt) implements Resolver {
            /**
             * Copies the keys.
             *
             * @throws NullPointerException when {@code accounts} is null or holds null
             */
            public Listed {
                accounts = Set.copyOf(accounts);
            }

            /**
             * A listing whose files the caller has checked to be account JWTs: the guard then
             * counts names (an account key other than the system account's).
             *
             * @param accounts the keys of the {@code <KEY>.jwt} files
             * @throws NullPointerException when {@code accounts} is null or holds null
             */
            public Listed(Set<String> accounts) {
                this(accounts, true);
            }
        }

        /**
         * The directory is missing or could not be read: the pass purges nothing.
         *
         * @param why what went wrong, naming the directory, ready to log
         */
        record Unreadable(String why) implements Resolver {}

        /** Static accounts or a memory resolver: there is no directory to reconcile against. */
        record None() implements Resolver {}
    }

    /**
     * The accounts this plan would purge, before the grace period and the checks made right before
     * each request.
     *
     * @return the account keys of the {@code Planned} outcomes, in store order
     */
    public List<String> toPurge() {
        return outcomes.stream()
                .filter(PurgeOutcome.Planned.class::isInstance)
                .map(PurgeOutcome::account)
                .toList();
    }

    /**
     * Applies every safety rule that needs no server: operator mode with a resolver directory;
     * symlinks never followed; only valid account public keys; never the system account (nor any
     * directory holding {@code _js_}); a missing, unreadable or system-only resolver directory
     * purges nothing while the store holds accounts.
     *
     * @param store the entries of {@code <store_dir>/jetstream}, in the order to report them
     * @param resolver the resolver directory as read; {@link Resolver.None} skips every entry
     * @param systemAccount the system account's key, never purged; empty when unknown (a
     *     directory holding {@code _js_} is still never purged)
     * @return the plan; computing it does no I/O
     */
    public static PurgePlan compute(List<StoreEntry> store, Resolver resolver, Optional<String> systemAccount) {
        List<PurgeOutcome> outcomes = new ArrayList<>();
        if (resolver instanceof Resolver.None) {
            for (StoreEntry entry : store) {
                outcomes.add(
                        new PurgeOutcome.Skipped(entry.name(), PurgeSkipReason.NOT_OPERATOR_MODE_WITH_RESOLVER_DIR));
            }
            return new PurgePlan(outcomes, Optional.empty());
        }
        Set<String> live = resolver instanceof Resolver.Listed listed ? listed.accounts() : Set.of();
        List<String> candidates = new ArrayList<>();
        for (StoreEntry entry : store) {
            String name = entry.name();
            if (live.contains(name)) {
                continue;
            }
            Optional<PurgeSkipReason> reason = check(entry, systemAccount);
            if (reason.isPresent()) {
                outcomes.add(new PurgeOutcome.Skipped(name, reason.get()));
            } else {
                candidates.add(name);
            }
        }
        if (candidates.isEmpty()) {
            return new PurgePlan(outcomes, Optional.empty());
        }
        Optional<PurgeSkipReason> passWide = Optional.empty();
        String warning = "";
        if (resolver instanceof Resolver.Unreadable unreadable) {
            passWide = Optional.of(PurgeSkipReason.RESOLVER_DIR_UNREADABLE);
            warning = unreadable.why();
        } else if (!(resolver instanceof Resolver.Listed listed && listed.holdsAccountJwt())
                || !hasAccountOtherThan(live, systemAccount)) {
            passWide = Optional.of(PurgeSkipReason.RESOLVER_DIR_EMPTY);
            warning = "the resolver directory holds no account JWT other than the system account's while the store"
                    + " holds " + candidates.size() + " account(s); a broken or half-rotated mount looks like this";
        }
        for (String name : candidates) {
            outcomes.add(
                    passWide.isPresent()
                            ? new PurgeOutcome.Skipped(name, passWide.get())
                            : new PurgeOutcome.Planned(name));
        }
        return new PurgePlan(outcomes, passWide.isPresent() ? Optional.of(warning) : Optional.empty());
    }

    static Optional<PurgeSkipReason> check(StoreEntry entry, Optional<String> systemAccount) {
        if (entry.kind() == StoreEntry.Kind.SYMLINK) {
            return Optional.of(PurgeSkipReason.SYMLINK);
        }
        if (!isAccountKey(entry.name())) {
            return Optional.of(PurgeSkipReason.NOT_AN_ACCOUNT_KEY);
        }
        if (systemAccount.filter(entry.name()::equals).isPresent() || entry.kind() == StoreEntry.Kind.META_DIRECTORY) {
            return Optional.of(PurgeSkipReason.SYSTEM_ACCOUNT);
        }
        return Optional.empty();
    }

    /**
     * The purge API deletes {@code <store_dir>/jetstream/<name>} for whatever name it gets ({@code /}
     * deletes every account's data, in 2.9.10 and still in 2.12.4), so only a name that is a valid
     * account public key (prefix 'A', base32, CRC) may ever reach a subject.
     *
     * @param name any text
     * @return true only for a valid account public key (56 characters, {@code A...}, CRC correct)
     * @throws NullPointerException when {@code name} is null
     */
    public static boolean isAccountKey(String name) {
        if (name.length() != 56 || name.charAt(0) != 'A') {
            return false;
        }
        try {
            return NKey.isValidPublicAccountKey(name.toCharArray());
        } catch (IllegalArgumentException badEncodingOrCrc) {
            // jnats 2.26 throws rather than answering false for a bad CRC or base32 character.
            return false;
        }
    }

    private static boolean hasAccountOtherThan(Set<String> live, Optional<String> systemAccount) {
        for (String account : live) {
            if (systemAccount.filter(account::equals).isEmpty() && isAccountKey(account)) {
                return true;
            }
        }
        return false;
    }
}
