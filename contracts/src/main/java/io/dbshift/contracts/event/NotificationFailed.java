package io.dbshift.contracts.event;

/**
 * The notifier gave up on telling one destination about one event: every attempt failed, or the destination refused
 * the message. Published on the events topic, and on {@code dbshift.notifications.dlq} for replay.
 *
 * @param eventId the id of the event the notice was about
 * @param eventType its CloudEvent type
 * @param destination the destination's name (never its URL or key)
 * @param attempts sends tried, over every delivery of the event
 * @param reason the last failure, secrets masked
 * @param headline what the notice said
 * @param originalEvent the event as JSON, so that it can be put back on the events topic once the destination works
 */
public record NotificationFailed(
        String migrationId,
        String eventId,
        String eventType,
        String destination,
        int attempts,
        String reason,
        String headline,
        String originalEvent)
        implements MigrationEvent {}
