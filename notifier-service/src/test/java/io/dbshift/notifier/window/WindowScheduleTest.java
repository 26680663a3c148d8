package io.dbshift.notifier.window;

import static io.dbshift.contracts.event.MigrationWindowNotice.CLOSED;
import static io.dbshift.contracts.event.MigrationWindowNotice.OPENED;
import static io.dbshift.contracts.event.MigrationWindowNotice.REMINDER_1H;
import static io.dbshift.contracts.event.MigrationWindowNotice.REMINDER_24H;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowScheduleTest {
    private static final Instant START = Instant.parse("2026-12-01T22:00:00Z");
    private static final Instant END = Instant.parse("2026-12-02T00:00:00Z");

    private static List<String> dueAt(String time) {
        return WindowSchedule.due(START, END, Instant.parse(time));
    }

    @Test
    void eachNoticeIsDueInItsOwnSpan() {
        assertEquals(List.of(), dueAt("2026-11-30T21:59:59Z"), "more than a day before");
        assertEquals(List.of(REMINDER_24H), dueAt("2026-11-30T22:00:00Z"));
        assertEquals(List.of(REMINDER_24H), dueAt("2026-12-01T20:59:59Z"));
        assertEquals(List.of(REMINDER_1H), dueAt("2026-12-01T21:00:00Z"), "the 1-hour reminder takes over");
        assertEquals(List.of(OPENED), dueAt("2026-12-01T22:00:00Z"));
        assertEquals(List.of(OPENED), dueAt("2026-12-01T23:59:59Z"));
        assertEquals(List.of(CLOSED), dueAt("2026-12-02T00:00:00Z"));
        assertEquals(List.of(), dueAt("2026-12-02T01:00:00Z"), "an hour after the end nothing is stale-sent");
    }

    @Test
    void aWindowIsForgottenAnHourAfterItsEnd() {
        assertFalse(WindowSchedule.over(START, END, Instant.parse("2026-12-02T00:59:59Z")));
        assertTrue(WindowSchedule.over(START, END, Instant.parse("2026-12-02T01:00:00Z")));
        assertTrue(WindowSchedule.over(START, null, Instant.parse("2026-12-01T23:00:00Z")), "open-ended: an hour");
    }
}
