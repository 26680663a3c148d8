package io.dbshift.executor.backfill;

import io.dbshift.contracts.Identifiers;
import io.dbshift.contracts.request.BackfillSpec;
import io.dbshift.contracts.result.BackfillCompleted.BackfillFigures;
import io.dbshift.executor.TargetRefusedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;

/**
 * Runs {@code UPDATE table SET ... WHERE ...} in batches walked by key (keyset pagination, never
 * OFFSET), one short transaction per batch, so locks are held briefly and the work survives
 * interruption: rows already updated no longer match the predicate, or are updated to the same value.
 */
public final class KeysetBackfill {
    private static final java.util.Set<String> RETRYABLE = java.util.Set.of("40001", "40P01");
    private static final int MAX_BATCH_RETRIES = 3;

    private final String lockTimeout;
    private final String statementTimeout;

    public KeysetBackfill(String lockTimeout, String statementTimeout) {
        this.lockTimeout = lockTimeout;
        this.statementTimeout = statementTimeout;
    }

    /** A moment of a running backfill. */
    public record Progress(
            String table,
            long rowsUpdated,
            long rowsScanned,
            long rowsEstimated,
            long rowsPerSecond,
            Long etaSeconds) {}

    /** A batch the database refused; batches before it are committed, this one is not. */
    public static class BatchFailedException extends TargetRefusedException {
        BatchFailedException(String message, String sqlState, Throwable cause) {
            super(message, sqlState, cause);
        }
    }

    public BackfillFigures run(Connection connection, BackfillSpec spec, Consumer<Progress> progress)
            throws SQLException {
        String table = spec.table();
        String key = spec.keyOrDefault();
        int batchSize = spec.batchSizeOrDefault();
        String predicate = spec.where() == null || spec.where().isBlank() ? "true" : spec.where();
        connection.setAutoCommit(true);
        try (Statement s = connection.createStatement()) {
            s.execute("SET lock_timeout = '" + lockTimeout + "'");
            s.execute("SET statement_timeout = '" + statementTimeout + "'");
        }
        long estimate = estimateRows(connection, table);
        // Built by concatenation: the operator's SET and WHERE are SQL and may hold '%' (LIKE '%x%'),
        // which a format string would take for a conversion. Table and key are quoted names.
        String t = Identifiers.quote(table);
        String k = Identifiers.quote(key);
        String rest = " ORDER BY " + k + " LIMIT ?),"
                + " changed AS (UPDATE " + t + " AS dbshift_t SET " + spec.set() + " FROM batch"
                + " WHERE dbshift_t." + k + " = batch.dbshift_key AND (" + predicate + ") RETURNING 1)"
                // max() has no uuid version; ordering works for every key type with a b-tree.
                + " SELECT (SELECT dbshift_key FROM batch ORDER BY dbshift_key DESC LIMIT 1),"
                + " (SELECT count(*) FROM batch), (SELECT count(*) FROM changed)";
        String firstSql = "WITH batch AS (SELECT " + k + " AS dbshift_key FROM " + t + rest;
        String nextSql = "WITH batch AS (SELECT " + k + " AS dbshift_key FROM " + t + " WHERE " + k + " > ?" + rest;
        long started = System.nanoTime();
        long lastReport = started;
        long updated = 0;
        long scanned = 0;
        long batches = 0;
        Object lastKey = null;
        try (PreparedStatement first = connection.prepareStatement(firstSql);
                PreparedStatement next = connection.prepareStatement(nextSql)) {
            int retries = 0;
            while (true) {
                PreparedStatement ps = lastKey == null ? first : next;
                int p = 1;
                if (lastKey != null) {
                    ps.setObject(p++, lastKey);
                }
                ps.setInt(p, batchSize);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long inBatch = rs.getLong(2);
                    if (inBatch == 0) {
                        break;
                    }
                    lastKey = rs.getObject(1);
                    if (lastKey == null) {
                        throw new BatchFailedException(
                                "backfill of " + table + " cannot walk " + key + ": the batch's keys are NULL. "
                                        + "Give a key that is unique and NOT NULL, usually the primary key.",
                                null,
                                null);
                    }
                    scanned += inBatch;
                    updated += rs.getLong(3);
                    batches++;
                    retries = 0;
                    long now = System.nanoTime();
                    if (now - lastReport >= 1_000_000_000L) {
                        lastReport = now;
                        progress.accept(progress(table, updated, scanned, Math.max(estimate, scanned), started, now));
                    }
                    if (inBatch < batchSize) {
                        break;
                    }
                } catch (SQLException e) {
                    // A deadlock or serialization failure with live traffic: the batch was rolled back whole,
                    // and running it again is the documented remedy.
                    if (RETRYABLE.contains(e.getSQLState()) && retries < MAX_BATCH_RETRIES) {
                        retries++;
                        pause(50L * retries);
                        continue;
                    }
                    throw new BatchFailedException(
                            "backfill of " + table + " failed in the batch after " + key + " "
                                    + (lastKey == null ? "(first batch)" : "= " + lastKey) + ": " + e.getMessage()
                                    + "; " + updated + " rows were updated and committed before it, this batch was not",
                            e.getSQLState(),
                            e);
                }
            }
        }
        long now = System.nanoTime();
        Progress last = progress(table, updated, scanned, scanned, started, now);
        progress.accept(last);
        long durationMs = (now - started) / 1_000_000;
        return new BackfillFigures(table, updated, scanned, batches, durationMs, last.rowsPerSecond());
    }

    private static Progress progress(String table, long updated, long scanned, long estimate, long started, long now) {
        double seconds = Math.max((now - started) / 1e9, 1e-3);
        long rate = (long) (scanned / seconds);
        Long eta = rate == 0 ? null : Math.max(0, (estimate - scanned) / rate);
        return new Progress(table, updated, scanned, estimate, (long) (updated / seconds), eta);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a backfill", e);
        }
    }

    private static long estimateRows(Connection connection, String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = ?::regclass")) {
            ps.setString(1, Identifiers.quote(table));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }
}
