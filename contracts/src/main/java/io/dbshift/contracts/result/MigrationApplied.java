package io.dbshift.contracts.result;

import java.util.List;

/**
 * The scripts are applied to the target.
 *
 * @param appliedVersions versions applied by this command (empty when all were applied before)
 * @param schemaVersion the target's schema version afterwards
 */
public record MigrationApplied(
        String commandId,
        String migrationId,
        String stepId,
        String target,
        List<String> appliedVersions,
        String schemaVersion,
        long durationMs)
        implements StepResult {}
