package io.dbshift.contracts.command;

import io.dbshift.contracts.Payload;

/**
 * An operator's word to a running backfill, on {@code dbshift.backfill.control} (every executor hears it; the one
 * running the migration's backfill acts on it). Not a step command: it has no result.
 *
 * @param action {@code pause}, {@code resume}, {@code cancel} or {@code rate}
 * @param batchSize for {@code rate}: the rows per batch from now on, fixed (null keeps the current setting)
 * @param pauseMillis for {@code rate}: the pause after every batch from now on (null keeps it)
 * @param requestedBy who asked, for the record
 */
public record ControlBackfill(
        String migrationId, String action, Integer batchSize, Integer pauseMillis, String requestedBy)
        implements Payload {}
