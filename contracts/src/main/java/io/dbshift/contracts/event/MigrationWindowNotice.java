package io.dbshift.contracts.event;

import java.time.OffsetDateTime;

/**
 * The migration's window is near, open or closed: published by the notifier from the window the plan carried, once
 * per kind and migration.
 *
 * @param kind {@code REMINDER_24H}, {@code REMINDER_1H}, {@code OPENED} or {@code CLOSED}
 * @param timezone the zone the window was given in (times are shown in it), or null for the offset's own
 */
public record MigrationWindowNotice(
        String migrationId, String name, String kind, OffsetDateTime start, OffsetDateTime end, String timezone)
        implements MigrationEvent {
    public static final String REMINDER_24H = "REMINDER_24H";
    public static final String REMINDER_1H = "REMINDER_1H";
    public static final String OPENED = "OPENED";
    public static final String CLOSED = "CLOSED";
}
