package io.dbshift.notifier.window;

import io.dbshift.contracts.event.MigrationWindowNotice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which window notices are due at a moment. Each is due only in its own span, so a notifier that was down does not send
 * a stale reminder when it comes back: the 24-hour reminder until an hour before the start (the 1-hour one takes over),
 * the 1-hour reminder until the start, "opened" until the end, "closed" for an hour after it.
 */
public final class WindowSchedule {
    static final Duration DAY = Duration.ofHours(24);
    static final Duration HOUR = Duration.ofHours(1);

    private WindowSchedule() {}

    /** The kinds due at {@code now}; {@code end} may be null (an open-ended window: "opened" for an hour). */
    public static List<String> due(Instant start, Instant end, Instant now) {
        List<String> due = new ArrayList<>();
        Instant until = end != null ? end : start.plus(HOUR);
        if (!now.isBefore(start.minus(DAY)) && now.isBefore(start.minus(HOUR))) {
            due.add(MigrationWindowNotice.REMINDER_24H);
        }
        if (!now.isBefore(start.minus(HOUR)) && now.isBefore(start)) {
            due.add(MigrationWindowNotice.REMINDER_1H);
        }
        if (!now.isBefore(start) && now.isBefore(until)) {
            due.add(MigrationWindowNotice.OPENED);
        }
        if (end != null && !now.isBefore(end) && now.isBefore(end.plus(HOUR))) {
            due.add(MigrationWindowNotice.CLOSED);
        }
        return due;
    }

    /** Past every notice's span: the window can be forgotten. */
    public static boolean over(Instant start, Instant end, Instant now) {
        return !now.isBefore((end != null ? end : start).plus(HOUR));
    }
}
