package io.dbshift.contracts.command;

import io.dbshift.contracts.request.BackfillSpec;
import io.dbshift.contracts.request.CheckSpec;
import io.dbshift.contracts.request.MigrationScript;
import java.util.List;
import java.util.Map;

/** Counts the rows of the given tables before the target is changed. */
public record CaptureBaseline(String commandId, String migrationId, String stepId, String target, List<String> tables)
    implements Command {}
