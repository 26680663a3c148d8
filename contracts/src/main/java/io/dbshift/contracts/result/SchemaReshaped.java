package io.dbshift.contracts.result;

import io.dbshift.contracts.schema.ReshapeStage;
import java.util.List;

/**
 * The request's expand/contract operations reached a stage on the target.
 *
 * @param changes what each operation looks like now, in the order of the request
 * @param rollbackRehearsed on expand with a rehearsal: what the rollback left compared with the table before the
 *     expand; empty when identical (null when not rehearsed)
 */
public record SchemaReshaped(
        String commandId,
        String migrationId,
        String stepId,
        String target,
        ReshapeStage stage,
        List<ShapeChange> changes,
        List<String> rollbackRehearsed)
        implements StepResult {

    /**
     * One operation at its stage.
     *
     * @param operation e.g. {@code rename-column accounts.bid -> branch_id}
     * @param table the table
     * @param oldColumns what the application reads and writes before the switch
     * @param newColumns what it reads and writes after it
     * @param rowsBackfilled rows the backfill updated (on the backfill stage)
     * @param durationMs how long the stage took for this operation
     */
    public record ShapeChange(
            String operation,
            String table,
            List<String> oldColumns,
            List<String> newColumns,
            long rowsBackfilled,
            long durationMs) {}
}
