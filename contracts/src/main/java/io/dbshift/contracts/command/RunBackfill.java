package io.dbshift.contracts.command;

import io.dbshift.contracts.request.BackfillSpec;
import java.util.List;

/** Runs the backfills on the target in keyset batches. */
public record RunBackfill(
        String commandId, String migrationId, String stepId, String target, List<BackfillSpec> backfills)
        implements Command {}
