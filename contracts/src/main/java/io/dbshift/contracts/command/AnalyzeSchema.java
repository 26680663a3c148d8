package io.dbshift.contracts.command;

import io.dbshift.contracts.request.MigrationScript;
import java.util.List;

/** Snapshots the target's schema and classifies every statement of the scripts. */
public record AnalyzeSchema(
        String commandId, String migrationId, String stepId, String target, List<MigrationScript> migrations)
        implements Command {}
