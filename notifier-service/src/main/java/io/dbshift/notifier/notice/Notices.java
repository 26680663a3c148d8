package io.dbshift.notifier.notice;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Payload;
import io.dbshift.contracts.Phase;
import io.dbshift.contracts.event.CheckpointReached;
import io.dbshift.contracts.event.MigrationCompleted;
import io.dbshift.contracts.event.MigrationFailed;
import io.dbshift.contracts.event.MigrationPhaseChanged;
import io.dbshift.contracts.event.MigrationPlanned;
import io.dbshift.contracts.event.MigrationRejected;
import io.dbshift.contracts.event.MigrationRequested;
import io.dbshift.contracts.request.FieldError;
import io.dbshift.notifier.notice.Notice.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides which events are worth telling people about and what to say. A pure function of the
 * event: step and backfill progress are deliberately left out, so a long migration does not flood
 * the channels.
 */
public final class Notices {
    public static final String MIGRATION = "Migration";
    public static final String ID = "Id";
    public static final String PHASE = "Phase";
    public static final String RISK = "Risk";

    private Notices() {}

    /**
     * The notice for an event, or empty when the event is not notable.
     *
     * @throws RuntimeException when the event's data does not match its type
     */
    public static Optional<Notice> from(CloudEvent event) {
        Payload payload = event.payload();
        Builder notice = new Builder(event);
        if (payload instanceof MigrationRequested e) {
            return Optional.of(requested(notice, e));
        }
        if (payload instanceof MigrationPlanned e) {
            return Optional.of(planned(notice, e));
        }
        if (payload instanceof MigrationPhaseChanged e) {
            return Optional.of(phaseChanged(notice, e));
        }
        if (payload instanceof CheckpointReached e) {
            return Optional.of(checkpoint(notice, e));
        }
        if (payload instanceof MigrationCompleted e) {
            return Optional.of(completed(notice, e));
        }
        if (payload instanceof MigrationFailed e) {
            return Optional.of(failed(notice, e));
        }
        if (payload instanceof MigrationRejected e) {
            return Optional.of(rejected(notice, e));
        }
        return Optional.empty();
    }

    private static Notice requested(Builder notice, MigrationRequested e) {
        return notice.headline(Severity.INFO, "Migration requested: " + nameOf(e.name(), e.migrationId()))
                .migration(e.name(), e.migrationId())
                .field(PHASE, Phase.DESIGN.name())
                .field("Target", e.target())
                .field("Staging", e.staging())
                .field("Requested by", e.requestedBy())
                .build();
    }

    private static Notice planned(Builder notice, MigrationPlanned e) {
        String risk = e.riskLevel() == null ? "UNKNOWN" : e.riskLevel().toUpperCase();
        Severity severity = risk.equals("HIGH") || risk.equals("CRITICAL") ? Severity.WARNING : Severity.INFO;
        notice.headline(severity, "Plan ready: " + nameOf(e.name(), e.migrationId()) + " (risk " + risk + ")")
                .migration(e.name(), e.migrationId())
                .field(PHASE, Phase.PLAN.name())
                .field(RISK, risk)
                .document(e.plan());
        if (e.riskReasons() != null) {
            e.riskReasons().forEach(notice::detail);
        }
        return notice.build();
    }

    private static Notice phaseChanged(Builder notice, MigrationPhaseChanged e) {
        Severity severity =
                e.to() == Phase.FAILED ? Severity.ERROR : e.to() == Phase.COMPLETED ? Severity.SUCCESS : Severity.INFO;
        return notice.headline(
                        severity,
                        nameOf(e.name(), e.migrationId()) + ": " + (e.from() == null ? "new" : e.from()) + " → "
                                + e.to())
                .migration(e.name(), e.migrationId())
                .field(PHASE, (e.from() == null ? "new" : e.from()) + " → " + e.to())
                .detail(e.reason())
                .build();
    }

    private static Notice checkpoint(Builder notice, CheckpointReached e) {
        notice.headline(Severity.INFO, "Checkpoint reached: " + e.checkpoint() + " (" + e.migrationId() + ")")
                .migration(null, e.migrationId())
                .field("Checkpoint", e.checkpoint());
        // Sorted, so that the same evidence always reads the same.
        Map<String, Object> evidence = e.evidence() == null ? Map.of() : new TreeMap<>(e.evidence());
        evidence.forEach((key, value) -> notice.detail(key + ": " + value));
        return notice.build();
    }

    private static Notice completed(Builder notice, MigrationCompleted e) {
        return notice.headline(Severity.SUCCESS, "Migration completed: " + nameOf(e.name(), e.migrationId()))
                .migration(e.name(), e.migrationId())
                .field(PHASE, Phase.COMPLETED.name())
                .field("Duration", humanDuration(e.durationMs()))
                .build();
    }

    private static Notice failed(Builder notice, MigrationFailed e) {
        return notice.headline(Severity.ERROR, "Migration failed: " + nameOf(e.name(), e.migrationId()))
                .migration(e.name(), e.migrationId())
                .field(PHASE, Phase.FAILED.name())
                .field("Step", e.stepId())
                .detail(e.reason())
                .build();
    }

    private static Notice rejected(Builder notice, MigrationRejected e) {
        notice.headline(Severity.WARNING, "Migration rejected: " + nameOf(e.name(), e.migrationId()))
                .migration(e.name(), e.migrationId());
        if (e.errors() != null) {
            e.errors().stream().map(FieldError::toString).forEach(notice::detail);
        }
        return notice.build();
    }

    private static String nameOf(String name, String migrationId) {
        return name == null || name.isBlank() ? migrationId : name;
    }

    /** {@code 1h 2m 3s}, {@code 4m 0s}, {@code 850 ms}: people read durations, not milliseconds. */
    static String humanDuration(long millis) {
        if (millis < 1000) {
            return millis + " ms";
        }
        Duration d = Duration.ofMillis(millis);
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m " + d.toSecondsPart() + "s";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m " + d.toSecondsPart() + "s";
        }
        return d.toSecondsPart() + "s";
    }

    /** Collects a notice's parts; blank values are left out rather than shown empty. */
    private static final class Builder {
        private final CloudEvent event;
        private final List<Field> fields = new ArrayList<>();
        private final List<String> details = new ArrayList<>();
        private Severity severity = Severity.INFO;
        private String headline;
        private String migrationId;
        private String document;

        Builder(CloudEvent event) {
            this.event = event;
            this.migrationId = event.subject();
        }

        Builder headline(Severity severity, String headline) {
            this.severity = severity;
            this.headline = headline;
            return this;
        }

        Builder migration(String name, String id) {
            migrationId = id == null ? migrationId : id;
            field(MIGRATION, name);
            return field(ID, migrationId);
        }

        Builder field(String label, String value) {
            if (value != null && !value.isBlank()) {
                fields.add(new Field(label, value));
            }
            return this;
        }

        Builder detail(String line) {
            if (line != null && !line.isBlank()) {
                details.add(line);
            }
            return this;
        }

        Builder document(String text) {
            document = text == null || text.isBlank() ? null : text;
            return this;
        }

        Notice build() {
            return new Notice(event.id(), event.type(), migrationId, severity, headline, fields, details, document);
        }
    }
}
