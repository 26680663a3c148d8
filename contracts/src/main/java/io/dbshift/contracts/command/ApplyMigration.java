package io.dbshift.contracts.command;

import io.dbshift.contracts.request.MigrationScript;
import java.util.List;

/** Applies the scripts to the target with Flyway, each version in its own transaction. */
public record ApplyMigration(
        String commandId, String migrationId, String stepId, String target, List<MigrationScript> migrations)
        implements Command {}
