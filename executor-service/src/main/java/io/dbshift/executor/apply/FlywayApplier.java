package io.dbshift.executor.apply;

import io.dbshift.contracts.request.MigrationScript;
import io.dbshift.executor.TargetRefusedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies versioned scripts to a target with Flyway. PostgreSQL runs DDL in transactions, so a
 * script that fails is rolled back whole and the target is left as it was.
 */
public final class FlywayApplier {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(FlywayApplier.class);
    /** Flyway's history table in the target; kept apart from any history the application keeps. */
    public static final String HISTORY_TABLE = "dbshift_schema_history";

    /** PostgreSQL's lock_not_available: a statement's lock_timeout ran out. */
    static final String LOCK_TIMEOUT = "55P03";

    private final String lockTimeout;
    private final String statementTimeout;
    private final int lockRetries;
    private final java.time.Duration firstBackoff;

    /** @param lockTimeout how long a DDL statement may wait for its lock, e.g. {@code 2s}; no retries */
    public FlywayApplier(String lockTimeout) {
        this(lockTimeout, 0, java.time.Duration.ZERO);
    }

    /**
     * @param lockTimeout how long a DDL statement may wait for its lock before its script is rolled back
     * @param lockRetries how many times a script rolled back on its lock_timeout is tried again
     * @param firstBackoff the wait before the first retry; each next one waits twice as long, with up to a quarter more
     *     at random so two waiting migrations do not come back together
     */
    public FlywayApplier(String lockTimeout, int lockRetries, java.time.Duration firstBackoff) {
        this(lockTimeout, "0", lockRetries, firstBackoff);
    }

    /**
     * @param statementTimeout the longest one statement of a script may run before it is cancelled and its script
     *     rolled back ({@code 0}: no limit), e.g. {@code 1h}
     */
    public FlywayApplier(
            String lockTimeout, String statementTimeout, int lockRetries, java.time.Duration firstBackoff) {
        this.lockTimeout = lockTimeout;
        this.statementTimeout = statementTimeout;
        this.lockRetries = lockRetries;
        this.firstBackoff = firstBackoff;
    }

    /** What happened. */
    public record Applied(List<String> versions, String schemaVersion) {}

    /** A script the database refused; nothing of it was applied. */
    public static class ApplyFailedException extends TargetRefusedException {
        private List<String> committed = List.of();

        ApplyFailedException(String message, String sqlState, Throwable cause) {
            super(message, sqlState, cause);
        }

        /** The versions committed before the failing one, in this apply: they stay applied. */
        public List<String> committed() {
            return committed;
        }
    }

    /**
     * Applies the scripts. A script whose statement waited longer than the lock_timeout for its lock was rolled back
     * whole (application traffic queues behind a waiting DDL, so it must not wait long); it is tried again after a
     * backoff, up to the configured number of times. Anything else fails at once.
     */
    public Applied apply(DataSource target, List<MigrationScript> scripts) {
        List<String> waits = new java.util.ArrayList<>();
        long backoff = firstBackoff.toMillis();
        // What the target had before, to tell what every try together applied, or what a failure left applied.
        List<String> initial = history(target);
        List<String> before = null;
        for (int attempt = 0; ; attempt++) {
            try {
                Applied applied = applyOnce(target, scripts);
                if (before == null) {
                    return applied;
                }
                // Scripts before the one that timed out were committed by the earlier tries: they count too.
                List<String> now = new java.util.ArrayList<>(history(target));
                now.removeAll(before);
                return new Applied(now, applied.schemaVersion());
            } catch (ApplyFailedException e) {
                if (before == null && LOCK_TIMEOUT.equals(e.sqlState())) {
                    before = initial;
                }

                if (!LOCK_TIMEOUT.equals(e.sqlState())) {
                    throw committed(e, target, initial);
                }
                if (attempt >= lockRetries) {
                    throw committed(
                            waits.isEmpty()
                                    ? e
                                    : new ApplyFailedException(
                                            e.getMessage() + "\nTried " + (attempt + 1) + " times, waiting "
                                                    + String.join(", ", waits)
                                                    + " between the tries: another session held"
                                                    + " the lock each time. Find it in pg_locks and pg_stat_activity, or run"
                                                    + " the step again when the table is quieter.",
                                            e.sqlState(),
                                            e.getCause()),
                            target,
                            initial);
                }
                long wait = backoff
                        + java.util.concurrent.ThreadLocalRandom.current().nextLong(backoff / 4 + 1);
                waits.add(wait + " ms");
                LOG.warnf(
                        "a statement waited longer than lock_timeout %s for its lock and its script was rolled back;"
                                + " trying again in %d ms (%d of %d)",
                        lockTimeout, wait, attempt + 1, lockRetries);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff *= 2;
            }
        }
    }

    private Applied applyOnce(DataSource target, List<MigrationScript> scripts) {
        Path dir = writeScripts(scripts);
        try {
            Flyway flyway = Flyway.configure()
                    .dataSource(target)
                    .locations("filesystem:" + dir)
                    .table(HISTORY_TABLE)
                    // A target that already has tables gets a baseline below every requested version.
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .initSql("SET lock_timeout = '" + lockTimeout + "'; SET statement_timeout = '" + statementTimeout
                            + "'")
                    .validateMigrationNaming(true)
                    // A request carries only its own scripts: versions applied by earlier requests are not
                    // "missing", and versions above the request's own are not an error either.
                    .ignoreMigrationPatterns("*:missing", "*:future")
                    // Without this, Flyway's transactional advisory lock makes CREATE INDEX CONCURRENTLY wait forever.
                    .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
                    .load();
            refuseVersionsBelowCurrent(flyway);
            MigrateResult result = flyway.migrate();
            List<String> versions =
                    result.migrations.stream().map(m -> m.version).toList();
            return new Applied(
                    versions,
                    result.targetSchemaVersion != null
                            ? result.targetSchemaVersion
                            : flyway.info().current() == null
                                    ? null
                                    : flyway.info().current().getVersion().getVersion());
        } catch (FlywayException e) {
            java.util.regex.Matcher edited = java.util.regex.Pattern.compile(
                            "checksum mismatch for migration version (\\S+)")
                    .matcher(String.valueOf(e.getMessage()));
            if (edited.find()) {
                String version = edited.group(1);
                String file = scripts.stream()
                        .filter(s -> s.version().replace('_', '.').equals(version))
                        .map(FlywayApplier::fileName)
                        .findFirst()
                        .orElse("version " + version);
                throw new ApplyFailedException(
                        file + " was changed after it was applied to this target: its checksum is not the one the"
                                + " target's " + HISTORY_TABLE + " recorded. An applied version is never applied"
                                + " again: put the change in a new script with a higher version. Nothing was applied.",
                        null,
                        e);
            }
            String outcome = sqlCause(e) != null
                    ? "\nThe failing script ran in one transaction, which was rolled back: it left no trace on the target."
                    : "\nNothing was applied.";
            throw new ApplyFailedException(describe(e) + outcome, sqlState(e), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** Flyway would skip them silently ("ignored"); an operator must hear why instead. */
    private static void refuseVersionsBelowCurrent(Flyway flyway) {
        MigrationInfo current = flyway.info().current();
        List<String> skipped = Arrays.stream(flyway.info().all())
                .filter(info -> info.getState() == MigrationState.IGNORED)
                .map(info -> info.getVersion().getVersion())
                .toList();
        if (!skipped.isEmpty()) {
            throw new ApplyFailedException(
                    "version(s) " + String.join(", ", skipped) + " are below the target's current version "
                            + (current == null ? "?" : current.getVersion().getVersion())
                            + " and would never be applied; "
                            + "give the script a version above it. Nothing was applied.",
                    null,
                    null);
        }
    }

    private static Path writeScripts(List<MigrationScript> scripts) {
        try {
            Path dir = Files.createTempDirectory("dbshift-scripts-");
            for (MigrationScript script : scripts) {
                Files.writeString(dir.resolve(fileName(script)), script.up());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not stage the scripts for Flyway", e);
        }
    }

    /** The failure, with the versions committed before it in this apply (they stay applied). */
    private static ApplyFailedException committed(ApplyFailedException e, DataSource target, List<String> initial) {
        try {
            List<String> now = new java.util.ArrayList<>(history(target));
            now.removeAll(initial);
            e.committed = List.copyOf(now);
        } catch (ApplyFailedException unreadable) {
            // the failure itself is the news; what stayed applied is a courtesy
        }
        return e;
    }

    /** The versions the target's history records as applied, oldest first; none when it has no history yet. */
    private static List<String> history(DataSource target) {
        try (java.sql.Connection c = target.getConnection();
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet exists = s.executeQuery("SELECT to_regclass('" + HISTORY_TABLE + "') IS NOT NULL")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return List.of();
            }
            List<String> versions = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = s.executeQuery("SELECT version FROM " + HISTORY_TABLE
                    + " WHERE success AND version IS NOT NULL AND type IN ('SQL', 'JDBC') ORDER BY installed_rank")) {
                while (rs.next()) {
                    versions.add(rs.getString(1));
                }
            }
            return versions;
        } catch (SQLException e) {
            throw new ApplyFailedException(
                    "cannot read the target's " + HISTORY_TABLE + ": " + e.getMessage(), e.getSQLState(), e);
        }
    }

    /** The script's Flyway file name, as messages name it: {@code V2__add_user_avatar.sql}. */
    static String fileName(MigrationScript script) {
        String description =
                script.description() == null || script.description().isBlank()
                        ? "migration"
                        : script.description().trim().replaceAll("[^A-Za-z0-9]+", "_");
        return "V" + script.version().replace('.', '_') + "__" + description + ".sql";
    }

    /** Flyway's message with PostgreSQL's own error line first; Flyway's banner lines are dropped. */
    private static String describe(FlywayException e) {
        SQLException sql = sqlCause(e);
        StringBuilder message = new StringBuilder();
        if (sql != null) {
            message.append(sql.getMessage().strip());
        }
        String flyway = e.getMessage() == null ? "" : e.getMessage();
        for (String line : flyway.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("Migration ") || trimmed.startsWith("Line") || trimmed.startsWith("Statement")) {
                message.append(message.length() == 0 ? "" : "\n").append(trimmed);
            }
        }
        if (message.length() > 0) {
            return message.toString();
        }
        // Flyway's own advice lines point at its website and commands that do not apply here.
        return Arrays.stream(flyway.split("\n"))
                .filter(line -> !line.contains("Learn more") && !line.contains("run repair"))
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .reduce((a, b) -> a + "\n" + b)
                .orElse("Flyway failed without a message");
    }

    private static String sqlState(Throwable e) {
        SQLException sql = sqlCause(e);
        return sql == null ? null : sql.getSQLState();
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; nothing else depends on it
        }
    }
}
