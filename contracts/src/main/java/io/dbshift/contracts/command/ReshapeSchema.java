package io.dbshift.contracts.command;

import io.dbshift.contracts.request.SchemaOperation;
import io.dbshift.contracts.schema.ReshapeStage;
import java.util.List;

/**
 * Takes the request's expand/contract operations on the target one stage further: {@code EXPANDED} (add the new shape
 * and the sync triggers), {@code BACKFILLED} (fill it), {@code READY} (put it under its final names) or
 * {@code CONTRACTED} (remove the old shape). Each operation is named {@code <migrationId>/<index>} on the target, so a
 * redelivered command finds its stage reached and does nothing.
 *
 * @param stage the stage to reach
 * @param rehearseRollback on expand: roll the new shape back once, prove the table is as it was, and expand again
 * @param rollBackOnFailure on staging: when the stage fails, roll back what the migration expanded there, so that a
 *     corrected request finds staging as it was
 * @param oldApplication on contract: the {@code application_name} of the application's old version; contract waits for
 *     its sessions to end, and fails naming them if they do not (null: no such check)
 */
public record ReshapeSchema(
        String commandId,
        String migrationId,
        String stepId,
        String target,
        ReshapeStage stage,
        List<SchemaOperation> operations,
        boolean rehearseRollback,
        boolean rollBackOnFailure,
        String oldApplication)
        implements Command {}
