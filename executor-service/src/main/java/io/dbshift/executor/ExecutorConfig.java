package io.dbshift.executor;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the executor treats targets. */
@ConfigMapping(prefix = "dbshift.executor")
public interface ExecutorConfig {
    /** How long a DDL statement or a backfill batch may wait for a lock before it fails, instead of queueing traffic behind it. */
    @WithDefault("2s")
    String lockTimeout();

    /**
     * The longest one statement of a migration script may run when it is applied before it is cancelled and its script
     * rolled back; {@code 0} for no limit.
     */
    @WithDefault("1h")
    String applyStatementTimeout();

    /** How many times a script rolled back on its lock_timeout is applied again, after a growing pause. */
    @WithDefault("5")
    int lockRetries();

    /** The pause before the first of those retries; each next one is twice as long, plus up to a quarter at random. */
    @WithDefault("1s")
    java.time.Duration lockRetryBackoff();

    /**
     * How long a step that changes a target (apply, backfill) waits for another migration's step on the same database
     * to end before it fails.
     */
    @WithDefault("30s")
    java.time.Duration targetLockWait();

    /**
     * Where the backup taken before production changes is written: one {@code pg_dump -Fc} archive per migration,
     * named {@code <database>-<migration id>.dump}. Kept until an operator removes it.
     */
    @WithDefault("${user.home}/.dbshift/backups")
    java.nio.file.Path backupDir();

    /**
     * What {@code production.backup} dumps: {@code database}, the whole database (its archive can put it back), or
     * {@code tables}, only the tables the migration changes or checks, for a database too large to dump whole before
     * every migration (its archive proves those rows can be had again, but a rollback by restore is then by hand).
     */
    @WithDefault("database")
    String backupScope();

    /**
     * How long an expand/contract step's contract waits for the sessions of the application's old version (by
     * {@code application_name}, when the request names it) to end before it fails naming them.
     */
    @WithDefault("5m")
    java.time.Duration oldApplicationWait();

    /** The longest a single backfill batch may run. */
    @WithDefault("60s")
    String batchStatementTimeout();
}
