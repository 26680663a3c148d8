package io.dbshift.contracts.command;

import io.dbshift.contracts.request.MigrationScript;
import io.dbshift.contracts.schema.SchemaSnapshot;
import java.util.List;
import java.util.Map;

/**
 * Proves the rollback on staging after the migration was applied, backfilled and verified there: in one transaction
 * that is rolled back at the end, the down scripts newest first, the schema compared with {@code schemaBefore} and the
 * row counts with {@code baseline}, then the up scripts again, the schema compared with what it was.
 *
 * @param migrations the scripts this migration applied on the target, with their down scripts; all of the request's
 *     when the target had every version before
 * @param schemaBefore the target's schema before they were applied; null when the target had every version before
 * @param baseline row counts of the target before they were applied
 * @param unchangedTables tables the migration does not touch ({@code schema.table}): their contents are checksummed
 *     before and after the down scripts, which must leave them alone
 */
public record RehearseRollback(
        String commandId,
        String migrationId,
        String stepId,
        String target,
        List<MigrationScript> migrations,
        SchemaSnapshot schemaBefore,
        Map<String, Long> baseline,
        List<String> unchangedTables)
        implements Command {

    public RehearseRollback {
        unchangedTables = unchangedTables == null ? List.of() : List.copyOf(unchangedTables);
    }
}
