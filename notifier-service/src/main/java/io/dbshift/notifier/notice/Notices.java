package io.dbshift.notifier.notice;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Payload;
import io.dbshift.contracts.Phase;
import io.dbshift.contracts.event.BackfillProgressed;
import io.dbshift.contracts.event.CheckpointReached;
import io.dbshift.contracts.event.MaintenanceModeChanged;
import io.dbshift.contracts.event.MigrationCompleted;
import io.dbshift.contracts.event.MigrationFailed;
import io.dbshift.contracts.event.MigrationHeld;
import io.dbshift.contracts.event.MigrationPhaseChanged;
import io.dbshift.contracts.event.MigrationPlanned;
import io.dbshift.contracts.event.MigrationRejected;
import io.dbshift.contracts.event.MigrationRequested;
import io.dbshift.contracts.event.MigrationRolledBack;
import io.dbshift.contracts.event.MigrationWindowNotice;
import io.dbshift.contracts.event.OperatorDecision;
import io.dbshift.contracts.request.FieldError;
import io.dbshift.contracts.request.Window;
import io.dbshift.notifier.notice.Notice.Field;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides which events are worth telling people about and what to say. A pure function of the
 * event. Step starts and ends are left out, so a long migration does not flood the channels; backfill
 * progress is a digested notice (at most one per destination in the digest interval).
 */
public final class Notices {
    public static final String MIGRATION = "Migration";
    public static final String ID = "Id";
    public static final String PHASE = "Phase";
    public static final String RISK = "Risk";

    private static final DateTimeFormatter WINDOW_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");

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
        if (payload instanceof MigrationRolledBack e) {
            return Optional.of(rolledBack(notice, e));
        }
        if (payload instanceof MaintenanceModeChanged e) {
            return Optional.of(maintenance(notice, e));
        }
        if (payload instanceof BackfillProgressed e) {
            return Optional.of(progress(notice, e));
        }
        if (payload instanceof MigrationWindowNotice e) {
            return Optional.of(window(notice, e));
        }
        if (payload instanceof MigrationHeld e) {
            return Optional.of(held(notice, e));
        }
        if (payload instanceof OperatorDecision e) {
            return Optional.of(decided(notice, e));
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
                .field("Window", e.window() == null || e.window().start() == null ? null : windowText(e.window()))
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
                .detail(nextAfterFailure(e.stepId()))
                .build();
    }

    /** What happens after a failure, which depends on how far the migration got. */
    static String nextAfterFailure(String stepId) {
        if (stepId == null || !stepId.startsWith("production.")) {
            return "Next: production was not changed. Fix the cause and submit the migration again.";
        }
        if (stepId.equals("production.baseline") || stepId.equals("production.backup")) {
            return "Next: production was not changed; the backup or baseline failed before the apply. Fix the cause and"
                    + " submit again.";
        }
        return "Next: production may have changed. The report says which versions were applied; failed checks are"
                + " rolled back as the request's policy says, or ask for it with dbshift rollback <id> --reason.";
    }

    private static Notice rejected(Builder notice, MigrationRejected e) {
        notice.headline(Severity.WARNING, "Migration rejected: " + nameOf(e.name(), e.migrationId()))
                .migration(e.name(), e.migrationId());
        if (e.errors() != null) {
            e.errors().stream().map(FieldError::toString).forEach(notice::detail);
        }
        return notice.build();
    }

    private static Notice rolledBack(Builder notice, MigrationRolledBack e) {
        String how = "restore".equals(e.method()) ? "by restoring its verified backup" : "by its down scripts";
        notice.headline(
                        e.verified() ? Severity.WARNING : Severity.ERROR,
                        "Rolled back" + (e.verified() ? "" : ", NOT verified") + ": "
                                + nameOf(e.name(), e.migrationId()) + " on " + e.target())
                .migration(e.name(), e.migrationId())
                .field(PHASE, Phase.ROLLED_BACK.name())
                .field("Target", e.target())
                .field("Method", how)
                .detail(
                        e.verified()
                                ? "The schema equals the one before the migration."
                                : "The rollback did not restore what was there before; look at the differences now.");
        if (e.differences() != null) {
            e.differences().forEach(notice::detail);
        }
        return notice.build();
    }

    private static Notice maintenance(Builder notice, MaintenanceModeChanged e) {
        return notice.headline(
                        Severity.WARNING,
                        (e.on() ? "Maintenance mode ON for " : "Maintenance mode OFF for ") + e.target())
                .migration(null, e.migrationId())
                .field("Target", e.target())
                .detail(
                        e.on()
                                ? "Applications must stop using " + e.target() + " until maintenance mode is off."
                                : e.target() + " is back; applications may resume.")
                .detail(e.reason())
                .build();
    }

    private static Notice progress(Builder notice, BackfillProgressed e) {
        String percent = e.rowsEstimated() > 0
                ? Math.min(100, e.rowsDone() * 100 / e.rowsEstimated()) + "%"
                : String.format("%,d rows", e.rowsDone());
        notice.headline(Severity.INFO, "Backfill of " + e.table() + " on " + e.target() + ": " + percent)
                .migration(null, e.migrationId())
                .field("Step", e.stepId())
                .field("Rows", String.format("%,d of about %,d", e.rowsDone(), e.rowsEstimated()))
                .field("Speed", String.format("%,d rows/s", e.rowsPerSecond()))
                .field("ETA", e.etaSeconds() == null ? null : humanDuration(e.etaSeconds() * 1000))
                .field("Throttled", e.throttle())
                .digest(e.migrationId() + "/" + e.stepId());
        return notice.build();
    }

    private static Notice window(Builder notice, MigrationWindowNotice e) {
        String name = nameOf(e.name(), e.migrationId());
        String headline = switch (e.kind()) {
            case MigrationWindowNotice.REMINDER_24H -> "Reminder: " + name + "'s window opens in 24 hours";
            case MigrationWindowNotice.REMINDER_1H -> "Reminder: " + name + "'s window opens in 1 hour";
            case MigrationWindowNotice.OPENED -> "Window open: " + name + " may change production now";
            case MigrationWindowNotice.CLOSED -> "Window closed: " + name;
            default -> name + ": window " + e.kind();
        };
        return notice.headline(
                        MigrationWindowNotice.OPENED.equals(e.kind()) ? Severity.WARNING : Severity.INFO, headline)
                .migration(e.name(), e.migrationId())
                .field("Window", windowText(new Window(e.start(), e.end(), e.timezone())))
                .build();
    }

    private static String windowText(Window window) {
        ZoneId zone = zoneOf(window.timezone(), window.start());
        return WINDOW_TIME.format(window.start().atZoneSameInstant(zone))
                + (window.end() == null
                        ? ""
                        : " – " + WINDOW_TIME.format(window.end().atZoneSameInstant(zone)));
    }

    private static Notice held(Builder notice, MigrationHeld e) {
        String name = nameOf(e.name(), e.migrationId());
        String headline = switch (e.waitingFor()) {
            case MigrationHeld.APPROVAL -> "Approval needed: " + name;
            case MigrationHeld.WINDOW -> name + " waits for its window";
            default -> name + " waits for an operator";
        };
        return notice.headline(MigrationHeld.WINDOW.equals(e.waitingFor()) ? Severity.INFO : Severity.WARNING, headline)
                .migration(e.name(), e.migrationId())
                .field("Step", e.stepId())
                .detail(e.reason())
                .detail(
                        MigrationHeld.APPROVAL.equals(e.waitingFor())
                                ? "Next: an approver runs dbshift approve " + e.migrationId()
                                        + " --reason ..., or dbshift reject."
                                : null)
                .build();
    }

    private static Notice decided(Builder notice, OperatorDecision e) {
        String name = nameOf(e.name(), e.migrationId());
        String headline = switch (e.action()) {
            case "approve" -> name + " approved by " + e.by();
            case "reject" -> name + " rejected by " + e.by();
            case "next" -> e.by() + " moved " + name + " on outside its window";
            case "checkpoint" -> "Checkpoint marked by " + e.by() + ": " + e.detail();
            default -> name + ": " + e.action() + " by " + e.by();
        };
        return notice.headline("reject".equals(e.action()) ? Severity.WARNING : Severity.INFO, headline)
                .migration(e.name(), e.migrationId())
                .detail(e.reason())
                .build();
    }

    private static ZoneId zoneOf(String timezone, OffsetDateTime start) {
        try {
            return timezone == null || timezone.isBlank() ? start.getOffset() : ZoneId.of(timezone);
        } catch (DateTimeException e) {
            return start.getOffset();
        }
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
        private String digestKey;

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

        Builder digest(String key) {
            digestKey = key;
            return this;
        }

        Notice build() {
            return new Notice(
                    event.id(),
                    event.type(),
                    migrationId,
                    severity,
                    headline,
                    fields,
                    details,
                    document,
                    digestKey,
                    event.toJson());
        }
    }
}
