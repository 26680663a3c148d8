package io.dbshift.contracts.schema;

/**
 * The strongest lock a statement holds on one existing table until its transaction ends.
 *
 * @param mode PostgreSQL's name for the mode, as {@code pg_locks} shows it ({@code AccessExclusiveLock})
 * @param blocks what the application cannot do while it is held: {@code reads and writes}, {@code writes},
 *     {@code reads} (ACCESS EXCLUSIVE on a materialized view, which cannot be written) or {@code nothing}
 * @param rewrite the table's file was replaced (every row copied)
 * @param scan the table was read in full while the lock was held
 * @param estimatedSeconds how long the lock is held on the target given its size; null when the size is unknown
 */
public record TableLock(
        String table, String mode, String blocks, boolean rewrite, boolean scan, Double estimatedSeconds) {}
