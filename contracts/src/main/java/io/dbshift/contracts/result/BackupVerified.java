package io.dbshift.contracts.result;

import java.util.List;
import java.util.Map;

/**
 * A backup taken and proven: where the archive is, its size and SHA-256, the entries {@code pg_restore --list} shows,
 * and the rows per table in the backup's snapshot, which the test restore matched exactly.
 *
 * @param restoredInto the scratch database the test restore went into, dropped since
 * @param wholeDatabase the archive holds the whole database, so restoring it puts the database back
 * @param tables when not the whole database, the only tables backed up (none: they did not exist yet, and the archive
 *     holds the schema)
 */
public record BackupVerified(
        String commandId,
        String migrationId,
        String stepId,
        String target,
        String archive,
        long bytes,
        String sha256,
        int entries,
        Map<String, Long> rowCounts,
        long databaseBytes,
        long dumpMillis,
        long restoreMillis,
        String restoredInto,
        boolean wholeDatabase,
        List<String> tables)
        implements StepResult {

    public BackupVerified {
        tables = tables == null ? List.of() : List.copyOf(tables);
    }
}
