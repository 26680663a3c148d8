package io.dbshift.notifier.notice;

import java.util.List;

/**
 * What people are told about one migration event, independent of the channel that carries it.
 *
 * @param eventId the CloudEvent id: with the channel, the key of the delivery log
 * @param eventType the CloudEvent type, e.g. {@code io.dbshift.MigrationPlanned}
 * @param headline one line that stands on its own (a chat preview, a mail subject)
 * @param fields labelled facts, in display order: migration, phase, risk...
 * @param details free lines: risk reasons, a failure's reason, rejected fields
 * @param document a longer preformatted text (the plan), or null
 * @param digestKey set for notices that are digested (backfill progress): at most one per key and destination in the
 *     digest interval; null for every other notice
 * @param event the CloudEvent the notice is about, as JSON: the body of a webhook; null when made without one
 */
public record Notice(
        String eventId,
        String eventType,
        String migrationId,
        Severity severity,
        String headline,
        List<Field> fields,
        List<String> details,
        String document,
        String digestKey,
        String event) {

    public Notice {
        fields = List.copyOf(fields);
        details = List.copyOf(details);
    }

    public Notice(
            String eventId,
            String eventType,
            String migrationId,
            Severity severity,
            String headline,
            List<Field> fields,
            List<String> details,
            String document) {
        this(eventId, eventType, migrationId, severity, headline, fields, details, document, null, null);
    }

    /** The event type without the {@code io.dbshift.} prefix: {@code MigrationFailed}. */
    public String simpleType() {
        return eventType == null ? "" : eventType.substring(eventType.lastIndexOf('.') + 1);
    }

    /** A labelled fact. */
    public record Field(String label, String value) {}

    /** The value of a field, or null; for tests and logs. */
    public String field(String label) {
        return fields.stream()
                .filter(f -> f.label().equals(label))
                .map(Field::value)
                .findFirst()
                .orElse(null);
    }

    /** The notice on one line, for logs. */
    public String oneLine() {
        return headline + " [migration " + migrationId + ", event " + eventId + "]";
    }
}
