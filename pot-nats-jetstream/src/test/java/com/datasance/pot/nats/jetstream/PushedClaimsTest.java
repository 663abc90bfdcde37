package com.datasance.pot.nats.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PushedClaimsTest {

    private static final String D1 = "11".repeat(32);
    private static final String D2 = "22".repeat(32);

    @Test
    void shouldRememberOnlyWhatWasAcceptedAndTheStampOfContentFoundEqual() {
        ClaimsFile.Stamp stamp = new ClaimsFile.Stamp("inode-1", 100, 5_000);
        PushedClaims.Builder first = new PushedClaims.Builder();
        int accepted = first.pending("C");
        first.pending("B"); // sent, not accepted (or no creds): pushed again next time
        first.same("A", D1, stamp);
        first.pushed(accepted, D2);
        PushedClaims table = first.build();

        assertEquals(3, table.size());
        int a = table.indexOf("A");
        int b = table.indexOf("B");
        int c = table.indexOf("C");
        assertTrue(a >= 0 && b >= 0 && c >= 0);
        assertTrue(table.pushed(a, D1));
        assertFalse(table.pushed(a, D2));
        assertFalse(table.pushed(b, D1));
        assertTrue(table.pushed(c, D2));
        assertTrue(table.indexOf("D") < 0);
        assertFalse(table.pushed(table.indexOf("D"), D1));

        // A stamp vouches only when it is the one recorded with an equal content.
        assertTrue(table.stampMatches(a, new ClaimsFile.Stamp("inode-1", 100, 5_000)));
        assertFalse(table.stampMatches(a, new ClaimsFile.Stamp("inode-2", 100, 5_000)));
        assertFalse(table.stampMatches(a, new ClaimsFile.Stamp("inode-1", 101, 5_000)));
        assertFalse(table.stampMatches(a, new ClaimsFile.Stamp("inode-1", 100, 5_001)));
        assertFalse(table.stampMatches(c, stamp), "pushed, but its file's stat was never recorded");

        // The next push keeps what it did not read, and forgets what it did not see.
        PushedClaims.Builder second = new PushedClaims.Builder();
        second.keep(table, a);
        PushedClaims next = second.build();
        assertEquals(1, next.size());
        assertTrue(next.pushed(next.indexOf("A"), D1));
        assertTrue(next.stampMatches(next.indexOf("A"), stamp));
        assertTrue(next.indexOf("C") < 0);
    }
}
