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
 */
public record Notice(
        String eventId,
        String eventType,
        String migrationId,
        Severity severity,
        String headline,
        List<Field> fields,
        List<String> details,
        String document) {

    public Notice {
        fields = List.copyOf(fields);
        details = List.copyOf(details);
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
