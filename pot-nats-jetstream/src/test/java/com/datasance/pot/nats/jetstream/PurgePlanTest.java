package com.datasance.pot.nats.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datasance.pot.nats.jetstream.PurgePlan.Resolver;
import com.datasance.pot.nats.jetstream.PurgePlan.StoreEntry;
import com.datasance.pot.nats.jetstream.PurgePlan.StoreEntry.Kind;
import com.datasance.pot.nats.testkit.NatsJwt;
import io.nats.client.NKey;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The safety rules that need no server, one test each, on listings built in memory. */
class PurgePlanTest {

    private static final String SYS = key();
    private static final String LIVE = key();
    private static final String GONE = key();

    private static String key() {
        try {
            return NatsJwt.publicKey(NKey.createAccount(new SecureRandom()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static StoreEntry dir(String name) {
        return new StoreEntry(name, Kind.DIRECTORY);
    }

    private static PurgePlan plan(List<StoreEntry> store, Set<String> resolver) {
        return PurgePlan.compute(store, new Resolver.Listed(resolver), Optional.of(SYS));
    }

    @Test
    void shouldPlanOnlyAccountsMissingFromResolver() {
        PurgePlan plan = plan(List.of(dir(SYS), dir(LIVE), dir(GONE)), Set.of(SYS, LIVE));

        assertEquals(List.of(GONE), plan.toPurge());
        assertEquals(List.of(new PurgeOutcome.Planned(GONE)), plan.outcomes());
        assertTrue(plan.warning().isEmpty());
    }

    @Test
    void shouldPurgeNothingWithoutOperatorModeResolverDir() {
        PurgePlan plan = PurgePlan.compute(List.of(dir(GONE), dir("APP")), new Resolver.None(), Optional.empty());

        assertTrue(plan.toPurge().isEmpty());
        assertEquals(
                List.of(
                        new PurgeOutcome.Skipped(GONE, PurgeSkipReason.NOT_OPERATOR_MODE_WITH_RESOLVER_DIR),
                        new PurgeOutcome.Skipped("APP", PurgeSkipReason.NOT_OPERATOR_MODE_WITH_RESOLVER_DIR)),
                plan.outcomes());
    }

    @Test
    void shouldNeverPlanNamesThatAreNotAccountKeys() {
        List<String> bad = List.of(
                "/",
                "*",
                "..",
                ".",
                ">",
                "",
                "a/b",
                LIVE + "/..",
                LIVE.toLowerCase(java.util.Locale.ROOT),
                LIVE.substring(0, 55),
                LIVE + "A",
                "U" + LIVE.substring(1),
                // one character changed: the CRC no longer matches
                LIVE.substring(0, 10) + (LIVE.charAt(10) == 'B' ? 'C' : 'B') + LIVE.substring(11),
                "$G",
                "APP");
        List<StoreEntry> store = bad.stream().map(PurgePlanTest::dir).toList();

        PurgePlan plan = plan(store, Set.of(SYS, LIVE));

        assertTrue(plan.toPurge().isEmpty());
        assertEquals(bad.size(), plan.outcomes().size());
        for (PurgeOutcome outcome : plan.outcomes()) {
            assertEquals(
                    PurgeSkipReason.NOT_AN_ACCOUNT_KEY, ((PurgeOutcome.Skipped) outcome).reason(), outcome.account());
        }
        for (String name : bad) {
            assertFalse(PurgePlan.isAccountKey(name), name);
        }
    }

    @Test
    void shouldNeverPlanTheSystemAccount() {
        PurgePlan plan = plan(List.of(dir(SYS), dir(GONE)), Set.of(LIVE));

        assertEquals(List.of(GONE), plan.toPurge());
        assertEquals(
                new PurgeOutcome.Skipped(SYS, PurgeSkipReason.SYSTEM_ACCOUNT),
                plan.outcomes().get(0));
    }

    @Test
    void shouldNeverPlanADirectoryHoldingClusterMetaState() {
        PurgePlan plan = PurgePlan.compute(
                List.of(new StoreEntry(SYS, Kind.META_DIRECTORY), dir(GONE)),
                new Resolver.Listed(Set.of(LIVE)),
                Optional.empty());

        assertEquals(List.of(GONE), plan.toPurge());
        assertEquals(
                new PurgeOutcome.Skipped(SYS, PurgeSkipReason.SYSTEM_ACCOUNT),
                plan.outcomes().get(0));
    }

    @Test
    void shouldNeverPlanSymlinks() {
        PurgePlan plan = plan(List.of(new StoreEntry(GONE, Kind.SYMLINK)), Set.of(SYS, LIVE));

        assertEquals(List.of(new PurgeOutcome.Skipped(GONE, PurgeSkipReason.SYMLINK)), plan.outcomes());
    }

    @Test
    void shouldPurgeNothingWhenResolverHoldsOnlyTheSystemAccount() {
        PurgePlan plan = plan(List.of(dir(SYS), dir(LIVE), dir(GONE)), Set.of(SYS));

        assertTrue(plan.toPurge().isEmpty());
        assertTrue(plan.warning().isPresent());
        assertEquals(
                List.of(
                        new PurgeOutcome.Skipped(LIVE, PurgeSkipReason.RESOLVER_DIR_EMPTY),
                        new PurgeOutcome.Skipped(GONE, PurgeSkipReason.RESOLVER_DIR_EMPTY)),
                plan.outcomes());
    }

    @Test
    void shouldPurgeNothingWhenNoListedFileIsARealAccountJwt() {
        // LIVE's name is there, its file is empty: a broken mount, not a live account.
        PurgePlan plan = PurgePlan.compute(
                List.of(dir(SYS), dir(LIVE), dir(GONE)),
                new Resolver.Listed(Set.of(SYS, LIVE), false),
                Optional.of(SYS));

        assertTrue(plan.toPurge().isEmpty());
        assertEquals(List.of(new PurgeOutcome.Skipped(GONE, PurgeSkipReason.RESOLVER_DIR_EMPTY)), plan.outcomes());
        assertTrue(plan.warning().isPresent());
    }

    @Test
    void shouldPurgeNothingWhenResolverIsEmpty() {
        PurgePlan plan = plan(List.of(dir(LIVE), dir(GONE)), Set.of());

        assertTrue(plan.toPurge().isEmpty());
        assertTrue(plan.warning().isPresent());
    }

    @Test
    void shouldPurgeNothingWhenResolverIsUnreadable() {
        PurgePlan plan =
                PurgePlan.compute(List.of(dir(GONE)), new Resolver.Unreadable("cannot read 'x'"), Optional.of(SYS));

        assertEquals(List.of(new PurgeOutcome.Skipped(GONE, PurgeSkipReason.RESOLVER_DIR_UNREADABLE)), plan.outcomes());
        assertEquals(Optional.of("cannot read 'x'"), plan.warning());
    }

    @Test
    void shouldNotWarnWhenStoreHoldsNothingToPurge() {
        PurgePlan plan = plan(List.of(dir(SYS)), Set.of());

        assertTrue(plan.toPurge().isEmpty());
        assertTrue(plan.warning().isEmpty());
    }
}
