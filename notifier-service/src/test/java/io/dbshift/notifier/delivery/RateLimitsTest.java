package io.dbshift.notifier.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RateLimitsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void sendsToOneDestinationAreSpacedByItsIntervalAndOthersDoNotWait() {
        RateLimits limits = new RateLimits();

        assertEquals(0, limits.reserve("slack", SECOND, 0));
        assertEquals(SECOND, limits.reserve("slack", SECOND, 0), "the second send waits a second");
        assertEquals(SECOND + SECOND / 2, limits.reserve("slack", SECOND, SECOND / 2), "the third, two from the first");
        assertEquals(0, limits.reserve("hooks", SECOND, 0), "another destination has its own slots");
        assertEquals(0, limits.reserve("slack", SECOND, 10 * SECOND), "after a quiet spell there is no wait");
    }
}
