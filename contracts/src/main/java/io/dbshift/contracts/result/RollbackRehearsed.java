package io.dbshift.contracts.result;

import java.util.List;
import java.util.Map;

/**
 * What the rollback rehearsal found. Nothing of it stayed on the target: it ran in one transaction, rolled back.
 *
 * @param verdict {@code REVERSIBLE}, {@code IRREVERSIBLE} (a version has no down script), {@code DOWN_FAILED},
 *     {@code DOWN_INCOMPLETE} (the schema after the downs is not the one before), {@code DATA_CHANGED} (row counts
 *     after the downs are not the baseline's), {@code REDO_FAILED} (the ups again were refused or made another
 *     schema)
 * @param irreversibleVersions versions without a down script
 * @param refusal PostgreSQL's refusal, as {@code script:line: message (SQLSTATE x)}, or null
 * @param differences what differs, schema objects or row counts
 * @param rowCounts row counts of the baseline's tables after the downs
 * @param locks the locks the downs held, as {@code table mode}
 * @param comparedWithBefore the schema after the downs was compared with the one before the migration, and the row
 *     counts with the baseline; false when the target had the versions before this migration ran, so that only the
 *     downs and the ups again were proven
 * @param tablesChecksummed the tables the migration does not touch whose contents were checksummed before and after
 *     the downs, and found the same
 */
public record RollbackRehearsed(
        String commandId,
        String migrationId,
        String stepId,
        String target,
        String verdict,
        List<String> irreversibleVersions,
        String refusal,
        List<String> differences,
        Map<String, Long> rowCounts,
        List<String> locks,
        long downMillis,
        long redoMillis,
        boolean comparedWithBefore,
        List<String> tablesChecksummed)
        implements StepResult {

    public RollbackRehearsed {
        tablesChecksummed = tablesChecksummed == null ? List.of() : List.copyOf(tablesChecksummed);
    }

    public boolean reversible() {
        return "REVERSIBLE".equals(verdict);
    }
}
