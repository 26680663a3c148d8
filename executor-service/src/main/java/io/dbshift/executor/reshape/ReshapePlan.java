package io.dbshift.executor.reshape;

import io.dbshift.contracts.request.BackfillSpec;
import java.util.List;

/**
 * What one {@link io.dbshift.contracts.request.SchemaOperation} takes, stage by stage, as SQL fixed when the table is
 * expanded (later stages must not read names from a catalog the earlier ones changed). Every list but
 * {@code concurrently} runs as one transaction under a short lock_timeout, retried when it runs out.
 *
 * @param operation the operation, described in one line
 * @param table the table, quoted and qualified
 * @param expand add the new shape and the triggers that keep both shapes in sync in both directions
 * @param backfill fill the new shape from the old in keyset batches; null when nothing is to fill
 * @param concurrently indexes the new shape needs, built with CREATE INDEX CONCURRENTLY, one statement at a time
 * @param validate constraints added NOT VALID at expand, validated one per transaction (no write is blocked)
 * @param switchOver make the new shape the one the application sees under its final names (a rename in one short
 *     transaction); often nothing
 * @param contract remove the old shape, the triggers and the helper functions
 * @param rollback before the switch: remove the new shape; the old one was kept in sync
 * @param rollbackAfterSwitch after the switch, before contract: put the old names back, then remove the new shape
 * @param oldColumns the columns the application uses before the switch
 * @param newColumns the columns it uses after it
 */
public record ReshapePlan(
        String operation,
        String table,
        List<String> expand,
        BackfillSpec backfill,
        List<String> concurrently,
        List<String> validate,
        List<String> switchOver,
        List<String> contract,
        List<String> rollback,
        List<String> rollbackAfterSwitch,
        List<String> oldColumns,
        List<String> newColumns) {

    /** The old indexes the change rebuilds over its new column (renamed into place at contract). */
    public List<String> rebuiltIndexes() {
        return contract.stream()
                .filter(sql -> sql.startsWith("ALTER INDEX ") && sql.contains(" RENAME TO "))
                .map(sql -> sql.substring(sql.indexOf(" RENAME TO ") + " RENAME TO ".length()))
                .toList();
    }
}
