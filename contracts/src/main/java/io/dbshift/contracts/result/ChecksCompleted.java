package io.dbshift.contracts.result;

import java.util.List;

/**
 * The integrity checks ran. A failed check is an outcome, not an error: {@code passed} is false
 * and each result says what was expected and what was found.
 */
public record ChecksCompleted(
        String commandId, String migrationId, String stepId, String target, boolean passed, List<CheckResult> results)
        implements StepResult {

    /**
     * @param kind {@code sql}, {@code orphans} or {@code rowCount}
     * @param error set when the check itself could not run
     */
    public record CheckResult(
            String name,
            String kind,
            boolean passed,
            String expected,
            String actual,
            String sql,
            long durationMs,
            String error) {}
}
