package io.dbshift.executor.reshape;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbshift.contracts.request.SchemaOperation;
import io.dbshift.contracts.result.BackfillCompleted.BackfillFigures;
import io.dbshift.contracts.schema.ReshapeStage;
import io.dbshift.executor.TargetRefusedException;
import io.dbshift.executor.backfill.KeysetBackfill;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Runs an expand/contract change stage by stage on a target. Each stage's DDL and the stage it reaches are committed
 * together in the target's {@code dbshift_reshape_state}, so a stage run again after a crash is a no-op, and the plan
 * fixed at expand is the one every later stage runs. DDL waits at most the lock_timeout for its lock (traffic queues
 * behind a waiting DDL); a transaction that ran out is rolled back and tried again after a growing pause.
 */
public final class Reshaper {
    private static final Logger LOG = Logger.getLogger(Reshaper.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String STATE_TABLE = "dbshift_reshape_state";
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final String DEADLOCK = "40P01";

    private final String lockTimeout;
    private final int lockRetries;
    private final Duration firstBackoff;
    private final KeysetBackfill backfill;

    public Reshaper(String lockTimeout, int lockRetries, Duration firstBackoff, KeysetBackfill backfill) {
        this.lockTimeout = lockTimeout;
        this.lockRetries = lockRetries;
        this.firstBackoff = firstBackoff;
        this.backfill = backfill;
    }

    /** How far the change named {@code id} has gone on this target. */
    public ReshapeStage stage(Connection connection, String id) throws SQLException {
        ensureStateTable(connection);
        try (PreparedStatement ps = connection.prepareStatement("SELECT stage FROM " + STATE_TABLE + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? ReshapeStage.valueOf(rs.getString(1)) : ReshapeStage.NONE;
            }
        }
    }

    /** The plan fixed when the change was expanded. */
    public ReshapePlan plan(Connection connection, String id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT plan FROM " + STATE_TABLE + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("change " + id + " was never expanded on this target");
                }
                return JSON.readValue(rs.getString(1), ReshapePlan.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("the stored plan of " + id + " cannot be read", e);
            }
        }
    }

    /**
     * Adds the new shape and the sync triggers, planned from the table as it is now. Run again after it committed, it
     * does nothing; after a rollback the change can be expanded again.
     */
    public ReshapePlan expand(Connection connection, String id, SchemaOperation op) throws SQLException {
        return expandAll(connection, java.util.Map.of(id, op)).get(0);
    }

    /**
     * Expands several changes in one transaction: the tables are locked once, for all of them, not once each. Each is
     * planned from the catalog as it is before any of them (so no two may change the same column).
     */
    public List<ReshapePlan> expandAll(Connection connection, java.util.Map<String, SchemaOperation> operations)
            throws SQLException {
        List<ReshapePlan> plans = new ArrayList<>();
        List<String> todo = new ArrayList<>();
        List<String> json = new ArrayList<>();
        List<String> sql = new ArrayList<>();
        for (var entry : operations.entrySet()) {
            ReshapeStage stage = stage(connection, entry.getKey());
            if (stage != ReshapeStage.NONE && stage != ReshapeStage.ROLLED_BACK) {
                plans.add(plan(connection, entry.getKey()));
                continue;
            }
            ReshapePlan plan = ReshapePlanner.plan(connection, entry.getValue(), entry.getKey());
            try {
                json.add(JSON.writeValueAsString(plan));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            for (ReshapePlan other : plans) {
                for (String index : plan.rebuiltIndexes()) {
                    if (other.rebuiltIndexes().contains(index)) {
                        throw new IllegalArgumentException("index " + index + " covers the columns of both "
                                + other.operation() + " and " + plan.operation() + ", and each would rebuild it without"
                                + " the other's change; drop it first and create it again after the change, or make"
                                + " the two changes in two migrations");
                    }
                }
            }
            plans.add(plan);
            todo.add(entry.getKey());
            sql.addAll(plan.expand());
        }
        if (!todo.isEmpty()) {
            transaction(
                    connection,
                    todo,
                    "expand "
                            + String.join(
                                    "; ",
                                    plans.stream().map(ReshapePlan::operation).toList()),
                    sql,
                    ReshapeStage.EXPANDED,
                    json);
        }
        return plans;
    }

    /**
     * Fills the new shape in keyset batches, builds its indexes concurrently and validates its constraints. Resumes
     * where a killed run stopped.
     */
    public BackfillFigures backfill(
            Connection connection,
            KeysetBackfill.ConnectionSource more,
            String id,
            Consumer<KeysetBackfill.Progress> progress)
            throws SQLException {
        ReshapeStage stage = require(connection, id, ReshapeStage.EXPANDED, "backfill");
        ReshapePlan plan = plan(connection, id);
        if (stage != ReshapeStage.EXPANDED) {
            return new BackfillFigures(plan.table(), 0, 0, 0, 0, 0);
        }
        BackfillFigures figures = plan.backfill() == null
                ? new BackfillFigures(plan.table(), 0, 0, 0, 0, 0)
                : backfill.run(connection, more, "reshape:" + id, plan.backfill(), progress);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (Statement s = connection.createStatement()) {
            // The builds and validations take a lock that blocks no reads or writes, and wait for older transactions
            // as they must: neither the backfill's statement_timeout nor a short lock_timeout belongs on them.
            s.execute("SET statement_timeout = 0");
            s.execute("SET lock_timeout = 0");
            for (String sql : plan.concurrently()) {
                // A build that ran out of lock_timeout leaves an invalid index of that name: dropped before each try.
                withRetries(id, "build an index", () -> {
                    dropInvalidIndexes(connection, plan.table());
                    s.execute(sql);
                });
            }
            for (String sql : plan.validate()) {
                withRetries(id, "validate", () -> s.execute(sql));
            }
            s.execute("RESET lock_timeout");
            s.execute("RESET statement_timeout");
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        transaction(connection, id, "mark backfilled", List.of(), ReshapeStage.BACKFILLED, null);
        return figures;
    }

    /** Puts the new shape under its final names: the application can now be deployed on it. */
    public void ready(Connection connection, String id) throws SQLException {
        readyAll(connection, List.of(id));
    }

    /** Switches several changes in one transaction: one short lock of their tables, not one each. */
    public void readyAll(Connection connection, List<String> ids) throws SQLException {
        advanceAll(connection, ids, ReshapeStage.BACKFILLED, ReshapeStage.READY, "switch", ReshapePlan::switchOver);
    }

    /** Removes the old shape, the triggers and the helper functions. No rollback without a backup after this. */
    public void contract(Connection connection, String id) throws SQLException {
        contractAll(connection, List.of(id));
    }

    /**
     * Contracts several changes in one transaction: all of them or none, so that a migration is never left with some
     * old shapes gone and others not, which no single rollback could undo.
     */
    public void contractAll(Connection connection, List<String> ids) throws SQLException {
        advanceAll(connection, ids, ReshapeStage.READY, ReshapeStage.CONTRACTED, "contract", ReshapePlan::contract);
    }

    /**
     * Takes every change at {@code from} to {@code to} in one transaction with the SQL {@code step} gives of each plan;
     * changes already past {@code from} are left, a change not yet at it is refused.
     */
    private void advanceAll(
            Connection connection,
            List<String> ids,
            ReshapeStage from,
            ReshapeStage to,
            String verb,
            java.util.function.Function<ReshapePlan, List<String>> step)
            throws SQLException {
        List<String> todo = new ArrayList<>();
        List<String> sql = new ArrayList<>();
        List<String> what = new ArrayList<>();
        for (String id : ids) {
            if (require(connection, id, from, verb) == from) {
                ReshapePlan plan = plan(connection, id);
                todo.add(id);
                sql.addAll(step.apply(plan));
                what.add(plan.operation());
            }
        }
        if (!todo.isEmpty()) {
            transaction(connection, todo, verb + " " + String.join("; ", what), sql, to, null);
        }
    }

    /**
     * Removes the new shape, at any stage before contract; the old shape was kept in sync, so no write made through
     * either is lost. Refused after contract: the old shape is gone and only a backup has it.
     */
    public void rollback(Connection connection, String id) throws SQLException {
        ReshapeStage stage = stage(connection, id);
        if (stage == ReshapeStage.NONE || stage == ReshapeStage.ROLLED_BACK) {
            return;
        }
        if (!stage.canRollBack()) {
            throw new TargetRefusedException(
                    "change " + id + " was contracted: its old shape is gone, so it cannot be rolled back by dropping"
                            + " the new one; restore from the backup taken before production, or write the reverse"
                            + " change as a new migration",
                    null,
                    null);
        }
        ReshapePlan plan = plan(connection, id);
        List<String> sql = new ArrayList<>(stage == ReshapeStage.READY ? plan.rollbackAfterSwitch() : plan.rollback());
        // In the same transaction, so a crash cannot leave a finished cursor that a later expand would take as done.
        sql.add("DO $dbshift$ BEGIN IF to_regclass('" + KeysetBackfill.STATE_TABLE + "') IS NOT NULL THEN DELETE FROM "
                + KeysetBackfill.STATE_TABLE + " WHERE backfill_id = 'reshape:" + id.replace("'", "''")
                + "'; END IF; END $dbshift$");
        transaction(connection, id, "roll back " + plan.operation(), sql, ReshapeStage.ROLLED_BACK, null);
    }

    /**
     * Rolls back every change whose id starts with {@code prefix} (a migration's) that has not been contracted, the
     * latest first. Contracted ones are left: only a backup has their old shape.
     */
    public List<String> rollbackAll(Connection connection, String prefix) throws SQLException {
        List<String> ids = new ArrayList<>();
        ensureStateTable(connection);
        try (PreparedStatement ps = connection.prepareStatement("SELECT id FROM " + STATE_TABLE
                + " WHERE starts_with(id, ?) AND stage IN ('EXPANDED', 'BACKFILLED'," + " 'READY') ORDER BY id DESC")) {
            ps.setString(1, prefix);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        // The latest first, by the operation's index after the prefix (9 before 10, which text order gets wrong).
        ids.sort(java.util.Comparator.comparingLong((String id) -> index(id.substring(prefix.length())))
                .reversed());
        for (String id : ids) {
            rollback(connection, id);
        }
        return ids;
    }

    private static long index(String suffix) {
        try {
            return Long.parseLong(suffix);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Waits for every session of {@code application} ({@code application_name}) on this database to end: the old
     * version of the application must be gone before its columns are. Fails naming them when they stay.
     */
    public void awaitGone(Connection connection, String application, Duration wait) throws SQLException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<String> sessions = ReshapePlanner.strings(
                    connection,
                    "SELECT pid || coalesce(' from ' || host(client_addr), '') FROM pg_stat_activity WHERE datname ="
                            + " current_database() AND application_name = ? AND pid <> pg_backend_pid()",
                    application);
            if (sessions.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TargetRefusedException(
                        sessions.size() + " session(s) of the old version (application_name " + application + ") are"
                                + " still connected after " + wait.toSeconds() + " s (pids "
                                + String.join(", ", sessions)
                                + "): the old columns are still in use, so nothing was removed; both shapes stay in"
                                + " place and kept in sync. Find out why the old version still runs, then say dbshift"
                                + " next to try the contract again; a rollback (dbshift rollback ID) drops the new"
                                + " columns instead, so only once no version uses them",
                        null,
                        null);
            }
            LOG.infof("contract waits for %d session(s) of %s to end", sessions.size(), application);
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + application + " to go", e);
            }
        }
    }

    private ReshapeStage require(Connection connection, String id, ReshapeStage needed, String what)
            throws SQLException {
        ReshapeStage stage = stage(connection, id);
        if (stage == ReshapeStage.ROLLED_BACK || stage.ordinal() < needed.ordinal()) {
            throw new TargetRefusedException(
                    "cannot " + what + " change " + id + ": it is "
                            + stage.name().toLowerCase(java.util.Locale.ROOT) + " and must be "
                            + needed.name().toLowerCase(java.util.Locale.ROOT) + " first",
                    null,
                    null);
        }
        return stage;
    }

    interface Work {
        void run() throws SQLException;
    }

    /**
     * One stage's statements and its new state in one transaction. A statement that waited longer than the lock_timeout
     * rolls the whole transaction back; it is tried again after a pause that doubles each time.
     */
    private void transaction(
            Connection connection, String id, String what, List<String> sql, ReshapeStage to, String planJson)
            throws SQLException {
        transaction(connection, List.of(id), what, sql, to, planJson == null ? null : List.of(planJson));
    }

    /** @param plans each change's plan as JSON, stored with it (on expand); null to keep the stored ones */
    private void transaction(
            Connection connection, List<String> ids, String what, List<String> sql, ReshapeStage to, List<String> plans)
            throws SQLException {
        String id = String.join(", ", ids);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            // Functions first: creating them takes no lock on the table. The statements that do are sent in one
            // round trip, so the table's lock is held for as long as the server takes to run them, and no longer.
            List<String> ordered = new ArrayList<>();
            sql.stream().filter(Reshaper::createsFunction).forEach(ordered::add);
            sql.stream().filter(x -> !createsFunction(x)).forEach(ordered::add);
            withRetries(id, what, () -> {
                try (Statement s = connection.createStatement()) {
                    s.execute("SET LOCAL lock_timeout = '" + lockTimeout + "'");
                    for (int i = 0; i < ids.size(); i++) {
                        record(connection, ids.get(i), to, plans == null ? null : plans.get(i));
                    }
                    if (!ordered.isEmpty()) {
                        try {
                            s.execute(String.join(";\n", ordered));
                        } catch (SQLException e) {
                            throw new SQLException(
                                    e.getMessage() + "\n  in: " + String.join(";\n      ", ordered),
                                    e.getSQLState(),
                                    e);
                        }
                    }
                    connection.commit();
                } catch (SQLException e) {
                    connection.rollback();
                    throw e;
                }
            });
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static boolean createsFunction(String sql) {
        return sql.startsWith("CREATE FUNCTION") || sql.startsWith("CREATE OR REPLACE FUNCTION");
    }

    private void withRetries(String id, String what, Work work) throws SQLException {
        long backoff = firstBackoff.toMillis();
        List<String> waits = new ArrayList<>();
        for (int attempt = 0; ; attempt++) {
            try {
                work.run();
                return;
            } catch (SQLException e) {
                boolean lock = LOCK_NOT_AVAILABLE.equals(e.getSQLState()) || DEADLOCK.equals(e.getSQLState());
                if (!lock) {
                    throw new TargetRefusedException(
                            what + " (" + id + ") failed: " + e.getMessage(), e.getSQLState(), e);
                }
                if (attempt >= lockRetries) {
                    throw new TargetRefusedException(
                            what + " (" + id + ") waited longer than lock_timeout " + lockTimeout + " for its lock "
                                    + (attempt + 1) + " times (pauses " + String.join(", ", waits) + "): another"
                                    + " session held it each time, and the statement that waited was rolled back. Find"
                                    + " the session in pg_locks and pg_stat_activity; what the stages before did stays,"
                                    + " and a rollback drops it.",
                            e.getSQLState(),
                            e);
                }
                long wait = backoff + ThreadLocalRandom.current().nextLong(backoff / 4 + 1);
                waits.add(wait + " ms");
                LOG.warnf(
                        "%s (%s): lock_timeout %s ran out, rolled back; trying again in %d ms (%d of %d)",
                        what, id, lockTimeout, wait, attempt + 1, lockRetries);
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

    private static void record(Connection connection, String id, ReshapeStage to, String planJson) throws SQLException {
        String sql = planJson != null
                ? "INSERT INTO " + STATE_TABLE + " (id, stage, plan) VALUES (?, ?, ?::jsonb) ON CONFLICT (id) DO UPDATE"
                        + " SET stage = excluded.stage, plan = excluded.plan, updated_at = now()"
                : "UPDATE " + STATE_TABLE + " SET stage = ?, updated_at = now() WHERE id = ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            if (planJson != null) {
                ps.setString(1, id);
                ps.setString(2, to.name());
                ps.setString(3, planJson);
            } else {
                ps.setString(1, to.name());
                ps.setString(2, id);
            }
            ps.executeUpdate();
        }
    }

    /** A CREATE INDEX CONCURRENTLY that was interrupted leaves an invalid index behind; it is built again. */
    private static void dropInvalidIndexes(Connection connection, String table) throws SQLException {
        List<String> invalid = ReshapePlanner.strings(
                connection,
                "SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                        + " WHERE i.indrelid = ?::regclass AND NOT i.indisvalid AND c.relname LIKE '\\_dbshift\\_%'",
                table);
        try (Statement s = connection.createStatement()) {
            for (String index : invalid) {
                s.execute("DROP INDEX CONCURRENTLY IF EXISTS " + index);
            }
        }
    }

    private static void ensureStateTable(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + STATE_TABLE + " (id text PRIMARY KEY, stage text NOT NULL,"
                    + " plan jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())");
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
    }
}
