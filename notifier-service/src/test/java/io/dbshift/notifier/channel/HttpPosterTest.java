package io.dbshift.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HttpPosterTest {
    private static final Instant NOW = Instant.parse("2026-11-25T08:00:00Z");

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertEquals(Duration.ofSeconds(30), HttpPoster.retryAfter("30", NOW));
        assertEquals(Duration.ofSeconds(90), HttpPoster.retryAfter("Wed, 25 Nov 2026 08:01:30 GMT", NOW));
        assertEquals(Duration.ZERO, HttpPoster.retryAfter("Wed, 25 Nov 2026 07:00:00 GMT", NOW), "a date past");
    }

    @Test
    void anAbsentOrUnreadableRetryAfterIsNone() {
        assertNull(HttpPoster.retryAfter(null, NOW));
        assertNull(HttpPoster.retryAfter(" ", NOW));
        assertNull(HttpPoster.retryAfter("soon", NOW));
        assertNull(HttpPoster.retryAfter("-5", NOW));
    }
}
