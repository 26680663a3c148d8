package io.dbshift.contracts.result;

import java.util.List;

/** Every backfill of the command finished; figures per table. */
public record BackfillCompleted(
        String commandId, String migrationId, String stepId, String target, List<BackfillFigures> tables)
        implements StepResult {

    /**
     * @param rowsUpdated rows the SET changed
     * @param rowsScanned rows the batches walked over
     */
    public record BackfillFigures(
            String table, long rowsUpdated, long rowsScanned, long batches, long durationMs, long rowsPerSecond) {}
}
