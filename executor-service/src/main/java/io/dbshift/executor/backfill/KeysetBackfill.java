package io.dbshift.executor.backfill;

import io.dbshift.contracts.Identifiers;
import io.dbshift.contracts.request.BackfillSpec;
import io.dbshift.contracts.result.BackfillCompleted.BackfillFigures;
import io.dbshift.executor.TargetRefusedException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Runs {@code UPDATE table SET ... WHERE ...} in batches walked by key (keyset pagination, never OFFSET), one short
 * statement per batch, so locks are held briefly.
 *
 * <p>Each batch and the backfill's cursor are written by the same statement, so they commit together: the cursor, in
 * {@value #STATE_TABLE} on the target, is the last key of the last committed batch. A backfill interrupted anywhere (the
 * executor killed, the connection lost, a row the expression fails on) resumes after that key, skipping nothing and
 * repeating nothing; a finished one run again does nothing.
 *
 * <p>Unless the operator fixes the batch size, it adapts toward a target duration per batch (200 ms by default). Between
 * batches the engine looks at the database's health and holds back, saying why: other sessions waiting on locks, a long
 * transaction that keeps vacuum from cleaning up behind it, replication lag.
 */
public final class KeysetBackfill {
    /** The cursors, one row per backfill, in the target database. */
    public static final String STATE_TABLE = "dbshift_backfill_state";

    static final int MIN_BATCH = 100;

    /**
     * The smallest batch once the application works beside the backfill. Every commit flushes the write-ahead log
     * written before it, the backfill's included, so the application's commits wait for the batch's WAL: 50 rows is
     * about a millisecond of it on a disk that writes synchronously at 40 MB/s. 25 kept the application's p99 within
     * 1.5 times its baseline in four runs of five, 50 in two (docs/benchmarks.md).
     */
    static final int MIN_CONTENDED_BATCH = 25;

    /**
     * With the application at work, how far a batch may walk when the ones before it changed nothing: such a batch locks
     * no row and writes no write-ahead log for the application's commits to wait on, it only reads. Should the rows
     * ahead need changing after all, the size halves from there, batch by batch, as it does from the first batch's
     * 1,000 rows: the same few larger batches a backfill starts with.
     */
    static final int MAX_IDLE_CONTENDED_BATCH = 1_000;

    /** With the application at work, the pause after each batch, as a multiple of the batch's duration. */
    static final int CONTENDED_PAUSE_FACTOR = 3;

    /** How long the application, once seen at work, is assumed to be there. */
    static final long CONTENDED_FOR_NANOS = 5_000_000_000L;

    /** The batch duration aimed at once the application works beside the backfill. */
    static final int CONTENDED_BATCH_MILLIS = 1;

    /**
     * How often the watching connection looks while the backfill has the database to itself: an application arriving
     * is seen within the first few milliseconds of a 200 ms batch.
     */
    static final long WATCH_ALONE_MILLIS = 10;

    /**
     * How often it looks once the application works beside the backfill: often enough that an application in a
     * transaction a tenth of the time is seen within the 5 s the mode lasts (50 looks), rarely enough not to cost it. A
     * look every 10 ms, with no batch beside it, doubled the application's slow transactions (docs/benchmarks.md).
     */
    static final long WATCH_CONTENDED_MILLIS = 100;

    /** How often, at most, the database's health is looked at between batches. */
    static final long HEALTH_CHECK_NANOS = 100_000_000L;

    public static final int MAX_BATCH = 100_000;

    /** Deadlock, serialization failure and lock_timeout: the batch was rolled back whole and may simply run again. */
    private static final Set<String> RETRYABLE = Set.of("40001", "40P01", "55P03");

    private static final int MAX_BATCH_RETRIES = 5;

    private final String lockTimeout;
    private final String statementTimeout;
    private final Health health;
    private final BackfillControls controls;

    public KeysetBackfill(String lockTimeout, String statementTimeout) {
        this(lockTimeout, statementTimeout, Health.DEFAULT, BackfillControls.NONE);
    }

    public KeysetBackfill(String lockTimeout, String statementTimeout, Health health, BackfillControls controls) {
        this.lockTimeout = lockTimeout;
        this.statementTimeout = statementTimeout;
        this.health = health;
        this.controls = controls;
    }

    /**
     * When to hold back.
     *
     * @param longTransactionSeconds another transaction open this long keeps vacuum from removing the row versions the
     *     backfill leaves behind: slow down
     * @param replicationLagSeconds replicas this far behind: wait for them
     * @param lockWaits pause while other sessions wait on locks
     */
    public record Health(double longTransactionSeconds, double replicationLagSeconds, boolean lockWaits) {
        public static final Health DEFAULT = new Health(300, 10, true);

        /** No holding back at all: the database's full speed, whatever it costs the application. */
        public static final Health NONE = new Health(Double.MAX_VALUE, Double.MAX_VALUE, false);
    }

    /** A moment of a running backfill. */
    public record Progress(
            String table,
            long rowsUpdated,
            long rowsScanned,
            long rowsEstimated,
            long rowsPerSecond,
            Long etaSeconds,
            int batchSize,
            String throttle) {}

    /** A batch the database refused; batches before it are committed, this one is not. */
    public static class BatchFailedException extends TargetRefusedException {
        BatchFailedException(String message, String sqlState, Throwable cause) {
            super(message, sqlState, cause);
        }
    }

    /** Opens a second connection to the target, for watching who waits behind the backfill. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    public BackfillFigures run(Connection connection, String backfillId, BackfillSpec spec, Consumer<Progress> progress)
            throws SQLException {
        return run(connection, null, backfillId, spec, progress);
    }

    /**
     * @param monitor opens a connection that watches, while each batch runs, for sessions blocked by it; null to not
     *     watch. A batch that made anyone wait halves the next one and is followed by a pause as long as itself.
     * @param backfillId names this backfill's cursor: the same id resumes it ({@code <migration>/<step>/<table>})
     */
    public BackfillFigures run(
            Connection connection,
            ConnectionSource monitor,
            String backfillId,
            BackfillSpec spec,
            Consumer<Progress> progress)
            throws SQLException {
        String table = spec.table();
        connection.setAutoCommit(true);
        try (Statement s = connection.createStatement()) {
            s.execute("SET lock_timeout = '" + lockTimeout + "'");
            s.execute("SET statement_timeout = '" + statementTimeout + "'");
            // A batch's statement has its size written into it, so a plan kept for it knows its LIMIT: PostgreSQL keeps
            // one after five batches when it costs no more than theirs, and a batch of the application's size is then
            // not planned again: such a batch costs the server about 30% less CPU (docs/benchmarks.md).
            s.execute("SET plan_cache_mode = auto");
            // A batch's rows are found again by their key, through its index. Past a few thousand rows the planner
            // would rather hash the batch against a scan of the whole table, which grows with the table, not the batch.
            s.execute("SET enable_hashjoin = off");
            s.execute("SET enable_mergejoin = off");
        }
        List<String> keys =
                Arrays.stream(spec.keyOrDefault().split(",")).map(String::strip).toList();
        List<String> types = keyTypes(connection, table, keys);
        Cursor cursor = Cursor.open(connection, backfillId, table);
        if (cursor.finished()) {
            Progress done = new Progress(table, 0, 0, 0, 0, 0L, 0, null);
            progress.accept(done);
            return new BackfillFigures(table, 0, 0, 0, 0, 0);
        }
        long estimate = estimateRows(connection, table);
        String[] lastKey = cursor.lastKey();
        Sql sql = new Sql(table, keys, types, spec);
        Batches step = spec.transformer() == null || spec.transformer().isBlank()
                ? new SqlBatches(connection, sql, backfillId)
                : new TransformedBatches(
                        connection,
                        table,
                        keys,
                        types,
                        spec,
                        RowTransformers.named(spec.transformer(), table),
                        backfillId);
        int batchSize = spec.batchSizeOrDefault();
        long started = System.nanoTime();
        long lastReport = started;
        long updated = 0;
        long scanned = cursor.rowsScanned();
        long batches = 0;
        String throttle = null;
        BackfillControls.Handle handle = controls.register(backfillId);
        boolean fixed = spec.fixedBatchSize();
        boolean contended = false;
        try (step;
                Contention contention = Contention.watch(monitor, connection, health.lockWaits())) {
            // With the application at work before the first batch, that batch is already as small as a batch gets
            // beside it: the default 1,000 rows, kept for three batches before the size adapts, would hold forty times
            // the rows, and the write-ahead log its commits flush, of the millisecond a batch aims at there.
            contended = contention.applicationAtWork();
            if (contended && !fixed) {
                batchSize = MIN_CONTENDED_BATCH;
            }
            long lastSeen = System.nanoTime() - (contended ? 0 : CONTENDED_FOR_NANOS);
            int retries = 0;
            long healthCheckedAt = System.nanoTime() - HEALTH_CHECK_NANOS;
            while (true) {
                long batchStarted = System.nanoTime();
                Outcome out;
                try {
                    out = step.next(lastKey, batchSize);
                    retries = 0;
                } catch (SQLException e) {
                    if (RETRYABLE.contains(e.getSQLState()) && retries < MAX_BATCH_RETRIES) {
                        // Rolled back whole: a deadlock or a lock_timeout with live traffic. Back off, take less.
                        retries++;
                        batchSize = Math.max(contended ? MIN_CONTENDED_BATCH : MIN_BATCH, batchSize / 2);
                        throttle = "batch retried after " + e.getSQLState() + " (" + firstLine(e) + ")";
                        pause(100L * retries);
                        continue;
                    }
                    throw failed(connection, sql, table, keys, lastKey, batchSize, updated, e);
                }
                if (out.scanned() > 0) {
                    if (out.lastKey() == null) {
                        throw new BatchFailedException(
                                "backfill of " + table + " cannot walk " + String.join(", ", keys)
                                        + ": the batch's keys are NULL. Give a key that is unique and NOT NULL,"
                                        + " usually the primary key.",
                                null,
                                null);
                    }
                    lastKey = out.lastKey();
                    scanned += out.scanned();
                    updated += out.updated();
                    batches++;
                }
                if (out.scanned() < batchSize) {
                    break;
                }
                long batchMillis = Math.max(1, (System.nanoTime() - batchStarted) / 1_000_000);
                long blocked = contention.takeBlocked();
                if (blocked > 0 || contention.takeAtWork() > 0) {
                    lastSeen = System.nanoTime();
                }
                // The application seen at work in the last few seconds: a session that ran once does not slow the
                // whole backfill, and a backfill left alone again goes back to full speed.
                contended = System.nanoTime() - lastSeen < CONTENDED_FOR_NANOS;
                contention.lookEvery(contended ? WATCH_CONTENDED_MILLIS : WATCH_ALONE_MILLIS);
                int smallest = contended ? MIN_CONTENDED_BATCH : MIN_BATCH;
                if (handle.batchSize != null) {
                    batchSize = handle.batchSize;
                    fixed = true;
                } else if (!fixed && blocked > 0) {
                    batchSize = Math.max(smallest, batchSize / 2);
                } else if (!fixed && contended && out.updated() == 0) {
                    // Nothing changed, nothing locked, no WAL: rows already right (a backfill run over a table that
                    // the application's own writes or a trigger have filled) are walked faster, at the same pause.
                    batchSize = Math.min(MAX_IDLE_CONTENDED_BATCH, Math.max(smallest, batchSize * 2));
                } else if (!fixed && contention.quietFor(3)) {
                    // With the application at work, batches aim at a millisecond: a row it wants is never locked for
                    // longer, and its commits, which flush the batch's write-ahead log with their own, wait little.
                    int target = contended
                            ? Math.min(spec.targetBatchMillisOrDefault(), CONTENDED_BATCH_MILLIS)
                            : spec.targetBatchMillisOrDefault();
                    double factor = Math.max(0.5, Math.min(2.0, (double) target / batchMillis));
                    batchSize = (int) Math.max(smallest, Math.min(MAX_BATCH, batchSize * factor));
                }
                long pause = handle.pauseMillis != null ? handle.pauseMillis : spec.pauseMillisOrDefault();
                // With the application at work the backfill takes at most a quarter of the time.
                long brake = contended ? CONTENDED_PAUSE_FACTOR * batchMillis : 0;
                long held = Math.max(pause, brake);
                if (System.nanoTime() - healthCheckedAt >= HEALTH_CHECK_NANOS) {
                    // Asked of the statistics views ten times a second at most: a look per millisecond-long batch
                    // would cost the application more than the batches do. Strain found pauses longer than that.
                    throttle = holdBack(connection, held);
                    healthCheckedAt = System.nanoTime();
                } else {
                    throttle = null;
                    pause(held);
                }
                if (throttle == null && blocked > 0) {
                    throttle = "sessions waited behind the last batch: smaller batches, a pause after each";
                } else if (throttle == null && contended) {
                    throttle = "the application works beside it: batches of a millisecond, a pause of three after each";
                }
                long rowsSoFar = updated;
                long scannedSoFar = scanned;
                int size = batchSize;
                controls.between(handle, table, updated, reason -> {
                    Progress paused = progress(
                            table,
                            rowsSoFar,
                            scannedSoFar,
                            Math.max(estimate, scannedSoFar),
                            started,
                            System.nanoTime(),
                            size,
                            reason);
                    handle.last = paused;
                    progress.accept(paused);
                });
                long now = System.nanoTime();
                if (now - lastReport >= 1_000_000_000L) {
                    lastReport = now;
                    Progress p = progress(
                            table, updated, scanned, Math.max(estimate, scanned), started, now, batchSize, throttle);
                    handle.last = p;
                    progress.accept(p);
                }
            }
        } finally {
            controls.unregister(handle);
        }
        cursor.finish(connection);
        long now = System.nanoTime();
        Progress last = progress(table, updated, scanned, scanned, started, now, batchSize, null);
        progress.accept(last);
        long durationMs = (now - started) / 1_000_000;
        return new BackfillFigures(
                table, updated, scanned - cursor.rowsScanned(), batches, durationMs, last.rowsPerSecond());
    }

    /**
     * Watches, from a connection of its own, for sessions that wait on a lock the backfill's session holds: the
     * application's transactions queued behind a batch, and for the application at work at all. Sampled every 10 ms
     * while the backfill runs alone, every 100 ms once the application works beside it.
     */
    private static final class Contention implements AutoCloseable {
        /** Other sessions in a transaction on the database: the application at work. */
        private static final String AT_WORK = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client"
                + " backend' AND datname = current_database() AND pid NOT IN (?, pg_backend_pid())"
                + " AND state IN ('active', 'idle in transaction')";

        private final java.util.concurrent.atomic.AtomicLong blocked = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicLong atWorkSamples =
                new java.util.concurrent.atomic.AtomicLong();
        private final Connection monitor;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long intervalMillis;
        private final boolean atWork;
        private int quietBatches;

        private Contention(Connection monitor, int pid, boolean atWork) {
            this.monitor = monitor;
            this.atWork = atWork;
            this.intervalMillis = atWork ? WATCH_CONTENDED_MILLIS : WATCH_ALONE_MILLIS;
            this.thread = monitor == null ? null : new Thread(() -> sample(pid), "dbshift-backfill-contention");
            if (thread != null) {
                thread.setDaemon(true);
                thread.start();
            }
        }

        static Contention watch(ConnectionSource source, Connection backfill, boolean enabled) throws SQLException {
            if (source == null || !enabled) {
                return new Contention(null, 0, false);
            }
            int pid;
            try (Statement s = backfill.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            Connection watching = source.open();
            boolean atWork = false;
            try (PreparedStatement ps = watching.prepareStatement(AT_WORK)) {
                ps.setInt(1, pid);
                // A tenth of a second of looking: an application working at all is in a transaction most of it.
                for (int i = 0; i < 20 && !atWork; i++) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        atWork = rs.getLong(1) > 0;
                    }
                    pause(5);
                }
            } catch (SQLException e) {
                watching.close();
                throw e;
            }
            return new Contention(watching, pid, atWork);
        }

        /** Other sessions were in transactions on the database when the backfill started. */
        boolean applicationAtWork() {
            return atWork;
        }

        private void sample(int pid) {
            try (PreparedStatement ps = monitor.prepareStatement(
                    // pg_blocking_pids takes the lock manager's locks: asked only of the sessions that wait on a lock.
                    "SELECT (SELECT count(*) FROM (SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                            + " OFFSET 0) w WHERE ? = ANY(pg_blocking_pids(w.pid))), (" + AT_WORK + ")")) {
                ps.setInt(1, pid);
                ps.setInt(2, pid);
                while (running) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        blocked.addAndGet(rs.getLong(1));
                        atWorkSamples.addAndGet(rs.getLong(2));
                    }
                    Thread.sleep(intervalMillis);
                }
            } catch (SQLException | InterruptedException e) {
                // watching is best effort: without it the backfill only loses its brake on contention
            }
        }

        /** How long to wait between two looks from the next one on. */
        void lookEvery(long millis) {
            intervalMillis = millis;
        }

        /** Samples that saw someone blocked since the last call. */
        long takeBlocked() {
            long n = blocked.getAndSet(0);
            quietBatches = n > 0 ? 0 : quietBatches + 1;
            return n;
        }

        /** Samples that saw other sessions in a transaction, since the last call. */
        long takeAtWork() {
            return atWorkSamples.getAndSet(0);
        }

        /** No one was blocked for this many batches in a row: the batch may grow again. */
        boolean quietFor(int batches) {
            return monitor == null || quietBatches >= batches;
        }

        @Override
        public void close() throws SQLException {
            running = false;
            if (thread != null) {
                try {
                    thread.join(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                monitor.close();
            }
        }
    }

    /**
     * Looks at the database between batches and holds back when it is under strain; returns why, or null. Each check is
     * one query on the statistics views, a fraction of a millisecond.
     */
    private String holdBack(Connection connection, long pauseMillis) throws SQLException {
        String reason = null;
        long pause = pauseMillis;
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'),"
                        + " coalesce(max(extract(epoch FROM now() - xact_start)) FILTER (WHERE pid <> pg_backend_pid()"
                        + " AND backend_type = 'client backend' AND state <> 'idle'), 0),"
                        + " (SELECT coalesce(max(extract(epoch FROM replay_lag)), 0) FROM pg_stat_replication)"
                        + " FROM pg_stat_activity WHERE datname = current_database()")) {
            rs.next();
            long waiting = rs.getLong(1);
            double oldest = rs.getDouble(2);
            double lag = rs.getDouble(3);
            if (health.lockWaits() && waiting > 0) {
                reason = waiting + " session(s) waiting on locks";
                pause = Math.max(pause, 200);
            } else if (lag > health.replicationLagSeconds()) {
                reason = String.format(java.util.Locale.ROOT, "replication lag %.0f s", lag);
                pause = Math.max(pause, 1_000);
            } else if (oldest > health.longTransactionSeconds()) {
                reason = String.format(java.util.Locale.ROOT, "a transaction open %.0f s holds back vacuum", oldest);
                pause = Math.max(pause, 500);
            }
        }
        if (pause > 0) {
            pause(pause);
        }
        return reason;
    }

    /** Names the keys the failed batch covered, so the operator can find the row; nothing of it was applied. */
    private static BatchFailedException failed(
            Connection connection,
            Sql sql,
            String table,
            List<String> keys,
            String[] lastKey,
            int batchSize,
            long updated,
            SQLException e) {
        String upTo = "";
        try (PreparedStatement ps = connection.prepareStatement(lastKey == null ? sql.firstEnd : sql.nextEnd)) {
            int p = 1;
            if (lastKey != null) {
                for (String k : lastKey) {
                    ps.setString(p++, k);
                }
            }
            ps.setInt(p, batchSize);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getArray(1) != null) {
                    upTo = " up to " + tuple(keys, keyOf(rs.getArray(1)));
                }
            }
        } catch (SQLException ignored) {
            // the range's end is a courtesy; the cause below is the message
        }
        String from = lastKey == null ? "from the first key" : "after " + tuple(keys, lastKey);
        return new BatchFailedException(
                "backfill of " + table + " failed in the batch of keys " + from + upTo + ": " + firstLine(e) + "; "
                        + updated + " rows were updated and committed before it in this run, this batch was not."
                        + " Fix the cause and run the step again: it resumes "
                        + (lastKey == null ? "from the first key" : "after " + tuple(keys, lastKey)),
                e.getSQLState(),
                e);
    }

    private static String tuple(List<String> keys, String[] values) {
        if (values == null) {
            return "(none)";
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            parts.add(keys.get(i) + " = " + values[i]);
        }
        return "(" + String.join(", ", parts) + ")";
    }

    static String firstLine(SQLException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static String[] keyOf(Array array) throws SQLException {
        if (array == null) {
            return null;
        }
        Object[] values = (Object[]) array.getArray();
        String[] key = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                return null;
            }
            key[i] = values[i].toString();
        }
        return key;
    }

    /** The key columns' types, to cast the cursor's text back; a missing column is named. */
    static List<String> keyTypes(Connection connection, String table, List<String> keys) throws SQLException {
        List<String> types = new ArrayList<>();
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                        + " WHERE attrelid = to_regclass(?) AND attname = ? AND attnum > 0 AND NOT attisdropped")) {
            for (String key : keys) {
                ps.setString(1, Identifiers.quote(table));
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new BatchFailedException(
                                "backfill of " + table + ": the table has no column " + key + " to walk by; name its"
                                        + " primary key in \"key\" (several columns separated by commas)",
                                null,
                                null);
                    }
                    types.add(rs.getString(1));
                }
            }
        }
        return types;
    }

    private static Progress progress(
            String table,
            long updated,
            long scanned,
            long estimate,
            long started,
            long now,
            int batchSize,
            String throttle) {
        double seconds = Math.max((now - started) / 1e9, 1e-3);
        long rate = (long) (scanned / seconds);
        Long eta = rate == 0 ? null : Math.max(0, (estimate - scanned) / rate);
        return new Progress(table, updated, scanned, estimate, (long) (updated / seconds), eta, batchSize, throttle);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a backfill", e);
        }
    }

    static long estimateRows(Connection connection, String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = ?::regclass")) {
            ps.setString(1, Identifiers.quote(table));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** What one batch did: the last key it walked (null when the keys are NULL), rows walked and rows changed. */
    record Outcome(String[] lastKey, long scanned, long updated) {}

    /** One way of running a batch; each commits its rows and the cursor together. */
    private interface Batches extends AutoCloseable {
        Outcome next(String[] after, int size) throws SQLException;

        @Override
        void close() throws SQLException;
    }

    /** An SQL expression: one statement per batch updates the rows and moves the cursor. */
    private static final class SqlBatches implements Batches {
        private final SizedStatement first;
        private final SizedStatement next;
        private final String backfillId;

        SqlBatches(Connection connection, Sql sql, String backfillId) {
            this.first = new SizedStatement(connection, sql::first);
            this.next = new SizedStatement(connection, sql::next);
            this.backfillId = backfillId;
        }

        @Override
        public Outcome next(String[] after, int size) throws SQLException {
            PreparedStatement ps = (after == null ? first : next).of(size);
            int p = 1;
            if (after != null) {
                for (String k : after) {
                    ps.setString(p++, k);
                }
            }
            ps.setString(p, backfillId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long scanned = rs.getLong(2);
                return new Outcome(scanned == 0 ? null : keyOf(rs.getArray(1)), scanned, rs.getLong(3));
            }
        }

        @Override
        public void close() throws SQLException {
            first.close();
            next.close();
        }
    }

    /**
     * A batch's statement with its size written into it, so that a plan PostgreSQL keeps for it knows its LIMIT. The
     * statement of the last size is kept while the size stays, as it does batch after batch with the application at
     * work; the driver keeps those of other sizes it has prepared.
     */
    private static final class SizedStatement implements AutoCloseable {
        private final Connection connection;
        private final IntFunction<String> sql;
        private PreparedStatement statement;
        private int size;

        SizedStatement(Connection connection, IntFunction<String> sql) {
            this.connection = connection;
            this.sql = sql;
        }

        PreparedStatement of(int size) throws SQLException {
            if (statement == null || this.size != size) {
                close();
                statement = connection.prepareStatement(sql.apply(size));
                this.size = size;
            }
            return statement;
        }

        @Override
        public void close() throws SQLException {
            if (statement != null) {
                statement.close();
                statement = null;
            }
        }
    }

    /**
     * A Java transformer: in one transaction per batch, the rows that need it are read and locked (FOR UPDATE), each is
     * transformed, and all are written back with one UPDATE over arrays, with the cursor.
     */
    private static final class TransformedBatches implements Batches {
        private final Connection connection;
        private final RowTransformer transformer;
        private final List<String> keys;
        private final List<String> reads;
        // Every batch runs the same four statements: the two reads prepared again only when the batch's size changes.
        private final SizedStatement select;
        private final SizedStatement selectAfter;
        private final PreparedStatement update;
        private final PreparedStatement saveCursor;
        private final String backfillId;

        TransformedBatches(
                Connection connection,
                String table,
                List<String> keys,
                List<String> keyTypes,
                BackfillSpec spec,
                RowTransformer transformer,
                String backfillId)
                throws SQLException {
            this.connection = connection;
            this.transformer = transformer;
            this.keys = keys;
            this.reads = spec.columnsOrEmpty();
            this.backfillId = backfillId;
            List<String> writeTypes = keyTypes(connection, table, transformer.writes());
            String t = Identifiers.quote(table);
            List<String> k = keys.stream().map(Identifiers::quote).toList();
            List<String> selected = new ArrayList<>();
            // Aliased: an output column named like the key would take over ORDER BY and sort the keys as text.
            for (int i = 0; i < keys.size(); i++) {
                selected.add(Identifiers.quote(keys.get(i)) + "::text AS dbshift_k" + i);
            }
            reads.forEach(c -> selected.add(Identifiers.quote(c)));
            String predicate = spec.where() == null || spec.where().isBlank() ? "true" : spec.where();
            String columns = String.join(", ", k);
            String from = "SELECT " + String.join(", ", selected) + " FROM " + t + " WHERE (" + predicate + ")";
            String order = " ORDER BY " + columns + " LIMIT ";
            List<String> params = new ArrayList<>();
            for (String type : keyTypes) {
                params.add("?::" + type);
            }
            String after = from + " AND (" + columns + ") > (" + String.join(", ", params) + ")";
            this.select = new SizedStatement(connection, size -> from + order + size + " FOR UPDATE");
            this.selectAfter = new SizedStatement(connection, size -> after + order + size + " FOR UPDATE");
            List<String> arrays = new ArrayList<>();
            List<String> names = new ArrayList<>();
            List<String> join = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                arrays.add("?::text[]");
                names.add("dbshift_k" + i);
                join.add("dbshift_t." + k.get(i) + " = u.dbshift_k" + i + "::" + keyTypes.get(i));
            }
            List<String> sets = new ArrayList<>();
            for (int i = 0; i < transformer.writes().size(); i++) {
                arrays.add("?::text[]");
                names.add("dbshift_v" + i);
                sets.add(Identifiers.quote(transformer.writes().get(i)) + " = u.dbshift_v" + i + "::"
                        + writeTypes.get(i));
            }
            this.update = connection.prepareStatement("UPDATE " + t + " AS dbshift_t SET " + String.join(", ", sets)
                    + " FROM unnest(" + String.join(", ", arrays) + ") AS u(" + String.join(", ", names) + ") WHERE "
                    + String.join(" AND ", join));
            this.saveCursor = connection.prepareStatement("UPDATE " + STATE_TABLE + " SET last_key = ?::text[],"
                    + " rows_updated = rows_updated + ?, rows_scanned = rows_scanned + ?, batches = batches + 1,"
                    + " updated_at = now() WHERE backfill_id = ?");
        }

        @Override
        public Outcome next(String[] after, int size) throws SQLException {
            connection.setAutoCommit(false);
            try {
                List<String[]> keyValues = new ArrayList<>();
                List<Map<String, Object>> changes = new ArrayList<>();
                if (!read(after, size, keyValues, changes)) {
                    connection.rollback();
                    return new Outcome(null, 1, 0); // a NULL key: the caller refuses the key column
                }
                if (keyValues.isEmpty()) {
                    connection.commit();
                    return new Outcome(null, 0, 0);
                }
                write(keyValues, changes);
                String[] last = keyValues.get(keyValues.size() - 1);
                saveCursor.setArray(1, connection.createArrayOf("text", last));
                saveCursor.setLong(2, keyValues.size());
                saveCursor.setLong(3, keyValues.size());
                saveCursor.setString(4, backfillId);
                saveCursor.executeUpdate();
                connection.commit();
                return new Outcome(last, keyValues.size(), keyValues.size());
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone; the batch was not committed either way
                }
                throw e;
            } finally {
                try {
                    connection.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // as above
                }
            }
        }

        /** Reads and locks the batch's rows and transforms each; false when a key is NULL. */
        private boolean read(String[] after, int size, List<String[]> keyValues, List<Map<String, Object>> changes)
                throws SQLException {
            PreparedStatement ps = (after == null ? select : selectAfter).of(size);
            int p = 1;
            if (after != null) {
                for (String k : after) {
                    ps.setString(p++, k);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] key = new String[keys.size()];
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 0; i < keys.size(); i++) {
                        key[i] = rs.getString(i + 1);
                        row.put(keys.get(i), key[i]);
                    }
                    if (Arrays.asList(key).contains(null)) {
                        return false;
                    }
                    for (int i = 0; i < reads.size(); i++) {
                        row.put(reads.get(i), rs.getObject(keys.size() + i + 1));
                    }
                    keyValues.add(key);
                    try {
                        changes.add(transformer.transform(row));
                    } catch (RuntimeException e) {
                        // Named like a row the database refused: the batch is rolled back, the key is said.
                        throw new SQLException(
                                "transformer " + transformer.name() + " failed on " + tuple(keys, key) + ": " + e);
                    }
                }
            }
            return true;
        }

        /** Writes the new values back with one UPDATE joined to arrays of keys and values. */
        private void write(List<String[]> keyValues, List<Map<String, Object>> changes) throws SQLException {
            int p = 1;
            for (int i = 0; i < keys.size(); i++) {
                int column = i;
                update.setArray(
                        p++,
                        connection.createArrayOf(
                                "text", keyValues.stream().map(k -> k[column]).toArray()));
            }
            for (String column : transformer.writes()) {
                update.setArray(
                        p++,
                        connection.createArrayOf(
                                "text",
                                changes.stream()
                                        .map(c -> c.get(column) == null
                                                ? null
                                                : c.get(column).toString())
                                        .toArray()));
            }
            update.executeUpdate();
        }

        @Override
        public void close() throws SQLException {
            select.close();
            selectAfter.close();
            update.close();
            saveCursor.close();
        }
    }

    /**
     * The statements of one backfill. Built by concatenation: the operator's SET and WHERE are SQL and may hold '%'
     * (LIKE '%x%'), which a format string would take for a conversion. Table and keys are quoted names.
     */
    private static final class Sql {
        private final String firstHead;
        private final String nextHead;
        private final String rest;
        final String firstEnd;
        final String nextEnd;

        Sql(String table, List<String> keys, List<String> types, BackfillSpec spec) {
            String t = Identifiers.quote(table);
            List<String> k = keys.stream().map(Identifiers::quote).toList();
            List<String> alias = new ArrayList<>();
            List<String> join = new ArrayList<>();
            List<String> asText = new ArrayList<>();
            List<String> params = new ArrayList<>();
            for (int i = 0; i < k.size(); i++) {
                alias.add(k.get(i) + " AS dbshift_k" + i);
                join.add("dbshift_t." + k.get(i) + " = batch.dbshift_k" + i);
                asText.add("dbshift_k" + i + "::text");
                params.add("?::" + types.get(i));
            }
            String columns = String.join(", ", k);
            String after = " WHERE (" + columns + ") > (" + String.join(", ", params) + ")";
            String order = " ORDER BY " + columns;
            String desc = " ORDER BY "
                    + String.join(
                            " DESC, ",
                            alias.stream()
                                    .map(a -> a.substring(a.indexOf(" AS ") + 4))
                                    .toList()) + " DESC";
            String predicate = spec.where() == null || spec.where().isBlank() ? "true" : spec.where();
            String rest = "),"
                    + " changed AS (UPDATE " + t + " AS dbshift_t SET " + spec.set() + " FROM batch WHERE "
                    + String.join(" AND ", join) + " AND (" + predicate + ") RETURNING 1),"
                    + " last AS (SELECT ARRAY[" + String.join(", ", asText) + "] AS k FROM batch" + desc + " LIMIT 1),"
                    + " counts AS (SELECT (SELECT count(*) FROM batch) AS scanned, (SELECT count(*) FROM changed) AS"
                    + " updated),"
                    // The cursor moves in the same statement as the batch: both commit, or neither.
                    + " saved AS (UPDATE " + STATE_TABLE + " AS s SET last_key = coalesce((SELECT k FROM last),"
                    + " s.last_key), rows_updated = s.rows_updated + counts.updated, rows_scanned = s.rows_scanned"
                    + " + counts.scanned, batches = s.batches + 1, updated_at = now() FROM counts"
                    + " WHERE s.backfill_id = ? RETURNING 1)"
                    + " SELECT (SELECT k FROM last), counts.scanned, counts.updated, (SELECT count(*) FROM saved)"
                    + " FROM counts";
            String select = "WITH batch AS (SELECT " + String.join(", ", alias) + " FROM " + t;
            this.firstHead = select + order + " LIMIT ";
            this.nextHead = select + after + order + " LIMIT ";
            this.rest = rest;
            String end = ") SELECT ARRAY[" + String.join(", ", asText) + "] FROM batch" + desc + " LIMIT 1";
            this.firstEnd = select + order + " LIMIT ?" + end;
            this.nextEnd = select + after + order + " LIMIT ?" + end;
        }

        /** The first batch, {@code size} keys from the start: parameter 1 is the backfill's id. */
        String first(int size) {
            return firstHead + size + rest;
        }

        /** A batch of {@code size} keys after the key in parameters 1 to n; parameter n + 1 is the backfill's id. */
        String next(int size) {
            return nextHead + size + rest;
        }
    }

    /** The backfill's row in {@value #STATE_TABLE}. */
    private record Cursor(String id, String[] lastKey, long rowsScanned, boolean finished) {
        static Cursor open(Connection connection, String id, String table) throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + STATE_TABLE + " (backfill_id text PRIMARY KEY,"
                        + " table_name text NOT NULL, last_key text[], rows_updated bigint NOT NULL DEFAULT 0,"
                        + " rows_scanned bigint NOT NULL DEFAULT 0, batches bigint NOT NULL DEFAULT 0,"
                        + " started_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT"
                        + " now(), finished_at timestamptz)");
            }
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + STATE_TABLE
                    + " (backfill_id, table_name) VALUES (?, ?) ON CONFLICT (backfill_id) DO NOTHING")) {
                ps.setString(1, id);
                ps.setString(2, table);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = connection.prepareStatement("SELECT last_key, rows_scanned, finished_at IS NOT"
                    + " NULL FROM " + STATE_TABLE + " WHERE backfill_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Cursor(id, keyOf(rs.getArray(1)), rs.getLong(2), rs.getBoolean(3));
                }
            }
        }

        void finish(Connection connection) throws SQLException {
            try (PreparedStatement ps = connection.prepareStatement(
                    "UPDATE " + STATE_TABLE + " SET finished_at = now() WHERE backfill_id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
        }
    }
}
