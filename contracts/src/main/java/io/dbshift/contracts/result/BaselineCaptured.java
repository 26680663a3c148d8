package io.dbshift.contracts.result;

import java.util.Map;

/** Row counts of the target's tables before it is changed. */
public record BaselineCaptured(
        String commandId, String migrationId, String stepId, String target, Map<String, Long> rowCounts)
        implements StepResult {}
