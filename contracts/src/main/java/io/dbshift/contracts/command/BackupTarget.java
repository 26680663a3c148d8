package io.dbshift.contracts.command;

import java.util.List;

/**
 * Backs the target up before it is changed ({@code pg_dump -Fc} of the whole database), and proves the backup: the
 * archive lists, and a test restore into a scratch database holds the same rows.
 *
 * @param affectedTables the tables the migration changes or checks: all an executor configured to back up only the
 *     affected tables of a large database dumps
 */
public record BackupTarget(
        String commandId, String migrationId, String stepId, String target, List<String> affectedTables)
        implements Command {

    public BackupTarget {
        affectedTables = affectedTables == null ? List.of() : List.copyOf(affectedTables);
    }
}
