package io.dbshift.contracts.event;

/** Progress of a running backfill, published at a bounded rate. */
public record BackfillProgressed(
        String migrationId,
        String stepId,
        String target,
        String table,
        long rowsDone,
        long rowsEstimated,
        long rowsPerSecond,
        Long etaSeconds)
        implements MigrationEvent {}
