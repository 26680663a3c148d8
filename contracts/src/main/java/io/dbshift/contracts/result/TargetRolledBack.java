package io.dbshift.contracts.result;

import java.util.List;
import java.util.Map;

/**
 * The target was rolled back; {@code verified} when its schema equals the one before the migration and its row counts
 * the expected ones.
 *
 * @param method {@code down} or {@code restore}
 * @param differences what differs from before the migration: schema objects, then row counts; empty when verified
 * @param rowCounts the row counts after the rollback
 * @param keptAs for {@code restore}: the name the database as it was before the restore is kept under, closed to
 *     connections, for an operator to look at and drop
 */
public record TargetRolledBack(
        String commandId,
        String migrationId,
        String stepId,
        String target,
        String method,
        boolean verified,
        List<String> differences,
        Map<String, Long> rowCounts,
        long durationMs,
        String keptAs)
        implements StepResult {}
