package io.dbshift.contracts;

import io.dbshift.contracts.command.AnalyzeSchema;
import io.dbshift.contracts.command.ApplyMigration;
import io.dbshift.contracts.command.BackupTarget;
import io.dbshift.contracts.command.CaptureBaseline;
import io.dbshift.contracts.command.ControlBackfill;
import io.dbshift.contracts.command.RehearseRollback;
import io.dbshift.contracts.command.ReshapeSchema;
import io.dbshift.contracts.command.RollBackTarget;
import io.dbshift.contracts.command.RunBackfill;
import io.dbshift.contracts.command.RunChecks;
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
import io.dbshift.contracts.event.NotificationFailed;
import io.dbshift.contracts.event.OperatorDecision;
import io.dbshift.contracts.event.SchemaStageReached;
import io.dbshift.contracts.event.StepCompleted;
import io.dbshift.contracts.event.StepStarted;
import io.dbshift.contracts.result.BackfillCompleted;
import io.dbshift.contracts.result.BackupVerified;
import io.dbshift.contracts.result.BaselineCaptured;
import io.dbshift.contracts.result.ChecksCompleted;
import io.dbshift.contracts.result.MigrationApplied;
import io.dbshift.contracts.result.RollbackRehearsed;
import io.dbshift.contracts.result.SchemaAnalyzed;
import io.dbshift.contracts.result.SchemaReshaped;
import io.dbshift.contracts.result.StepFailed;
import io.dbshift.contracts.result.TargetRolledBack;
import io.dbshift.contracts.result.TeamNotified;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CloudEvent {@code type} of every payload: {@code io.dbshift.<SimpleName>}. Types are never
 * renamed; new ones are added.
 */
public final class MessageTypes {
    public static final String PREFIX = "io.dbshift.";

    private static final List<Class<? extends Payload>> ALL = List.of(
            AnalyzeSchema.class,
            ApplyMigration.class,
            RunBackfill.class,
            ControlBackfill.class,
            CaptureBaseline.class,
            RunChecks.class,
            BackupTarget.class,
            RehearseRollback.class,
            RollBackTarget.class,
            ReshapeSchema.class,
            SchemaReshaped.class,
            SchemaStageReached.class,
            SchemaAnalyzed.class,
            MigrationApplied.class,
            BackfillCompleted.class,
            BaselineCaptured.class,
            ChecksCompleted.class,
            StepFailed.class,
            BackupVerified.class,
            RollbackRehearsed.class,
            TargetRolledBack.class,
            MigrationRequested.class,
            MigrationRejected.class,
            MigrationPhaseChanged.class,
            MigrationPlanned.class,
            StepStarted.class,
            StepCompleted.class,
            CheckpointReached.class,
            BackfillProgressed.class,
            MigrationCompleted.class,
            MigrationFailed.class,
            MaintenanceModeChanged.class,
            MigrationRolledBack.class,
            NotificationFailed.class,
            MigrationWindowNotice.class,
            TeamNotified.class,
            MigrationHeld.class,
            OperatorDecision.class);

    private static final Map<String, Class<? extends Payload>> BY_TYPE = new LinkedHashMap<>();

    static {
        for (Class<? extends Payload> type : ALL) {
            BY_TYPE.put(PREFIX + type.getSimpleName(), type);
        }
    }

    private MessageTypes() {}

    public static String typeOf(Class<?> payloadClass) {
        String type = PREFIX + payloadClass.getSimpleName();
        if (!BY_TYPE.containsKey(type)) {
            throw new IllegalArgumentException(payloadClass.getName() + " is not a registered dbshift payload");
        }
        return type;
    }

    public static Class<? extends Payload> classOf(String type) {
        Class<? extends Payload> payloadClass = BY_TYPE.get(type);
        if (payloadClass == null) {
            throw new WireFormatException("unknown event type \"" + type + "\"");
        }
        return payloadClass;
    }

    public static boolean isKnown(String type) {
        return BY_TYPE.containsKey(type);
    }

    /** Every registered type, for documentation and tests. */
    public static Map<String, Class<? extends Payload>> all() {
        return Map.copyOf(BY_TYPE);
    }
}
