package io.dbshift.contracts.command;

import java.util.List;

/** Counts the rows of the given tables before the target is changed. */
public record CaptureBaseline(String commandId, String migrationId, String stepId, String target, List<String> tables)
        implements Command {}
