package io.dbshift.contracts.event;

import io.dbshift.contracts.result.SchemaReshaped.ShapeChange;
import io.dbshift.contracts.schema.ReshapeStage;
import java.util.List;

/**
 * An expand/contract change reached a stage on a target: what an application needs to switch its reads and writes.
 * {@code READY} is "new schema ready": deploy the version that uses {@code newColumns}; both shapes stay in sync until
 * contract, so old and new versions can run side by side. {@code CONTRACTED} is "old schema removed": a version still
 * using {@code oldColumns} now fails. {@code EXPANDED} and {@code BACKFILLED} need nothing of an application;
 * {@code ROLLED_BACK} means keep (or go back to) the old columns.
 *
 * @param target the target the stage was reached on (staging first, then production)
 * @param whatToDo the same, in words, for a person or a log
 */
public record SchemaStageReached(
        String migrationId, String name, String target, ReshapeStage stage, List<ShapeChange> changes, String whatToDo)
        implements MigrationEvent {}
