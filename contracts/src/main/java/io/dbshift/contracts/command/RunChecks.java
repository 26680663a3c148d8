package io.dbshift.contracts.command;

import io.dbshift.contracts.request.CheckSpec;
import java.util.List;
import java.util.Map;

/** Runs the integrity checks on the target, comparing row counts with the baseline. */
public record RunChecks(
        String commandId,
        String migrationId,
        String stepId,
        String target,
        List<CheckSpec> checks,
        Map<String, Long> baseline)
        implements Command {}
