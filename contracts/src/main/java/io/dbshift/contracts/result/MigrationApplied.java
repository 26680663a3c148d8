package io.dbshift.contracts.result;

import io.dbshift.contracts.schema.SchemaSnapshot;
import java.util.List;

/**
 * The scripts are applied to the target.
 *
 * @param appliedVersions versions applied by this command (empty when all were applied before)
 * @param schemaVersion the target's schema version afterwards
 * @param schemaBefore the target's schema just before the scripts ran: what a rollback must give back
 */
public record MigrationApplied(
        String commandId,
        String migrationId,
        String stepId,
        String target,
        List<String> appliedVersions,
        String schemaVersion,
        long durationMs,
        SchemaSnapshot schemaBefore)
        implements StepResult {

    public MigrationApplied(
            String commandId,
            String migrationId,
            String stepId,
            String target,
            List<String> appliedVersions,
            String schemaVersion,
            long durationMs) {
        this(commandId, migrationId, stepId, target, appliedVersions, schemaVersion, durationMs, null);
    }
}
