package io.dbshift.contracts.event;

/**
 * Progress of a running backfill, published at a bounded rate.
 *
 * @param batchSize the rows the next batch takes (it adapts toward the target batch duration)
 * @param throttle why the backfill is holding back, or null when it is not: other sessions waiting on locks, a long
 *     transaction, replication lag
 */
public record BackfillProgressed(
        String migrationId,
        String stepId,
        String target,
        String table,
        long rowsDone,
        long rowsEstimated,
        long rowsPerSecond,
        Long etaSeconds,
        Integer batchSize,
        String throttle)
        implements MigrationEvent {

    public BackfillProgressed(
            String migrationId,
            String stepId,
            String target,
            String table,
            long rowsDone,
            long rowsEstimated,
            long rowsPerSecond,
            Long etaSeconds) {
        this(migrationId, stepId, target, table, rowsDone, rowsEstimated, rowsPerSecond, etaSeconds, null, null);
    }
}
