package io.dbshift.executor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * dbshift's lock on a target database, so the changing steps of two migrations (apply, backfill) never run on one
 * database at once. A PostgreSQL advisory lock held by a session of its own for as long as the step runs: released
 * when the step ends, and by PostgreSQL when the session does, so an executor that dies leaves nothing locked.
 *
 * <p>A step that finds the lock taken waits for it, up to a limit, and then fails naming the migration and step that
 * hold it; the holder is found by its session's {@code application_name}.
 */
public final class TargetLock implements AutoCloseable {
    /** The advisory lock's first key: "dbsh". The second is the database's name, hashed. */
    static final int NAMESPACE = 0x64627368;

    private static final long POLL_MILLIS = 250;

    private final Connection session;

    private TargetLock(Connection session) {
        this.session = session;
    }

    /**
     * @param session a connection of its own to the target, closed with the lock
     * @param holder who asks, as the waiting side will read it: {@code migration <id> step <step>}
     * @param wait how long to wait for another migration's step to finish
     */
    public static TargetLock acquire(Connection session, String holder, Duration wait) throws SQLException {
        try {
            try (PreparedStatement ps = session.prepareStatement("SELECT set_config('application_name', ?, false)")) {
                ps.setString(1, ("dbshift " + holder).substring(0, Math.min(63, ("dbshift " + holder).length())));
                ps.execute();
            }
            long deadline = System.nanoTime() + wait.toNanos();
            try (PreparedStatement ps = session.prepareStatement(
                    "SELECT pg_try_advisory_lock(" + NAMESPACE + ", hashtext(current_database()))")) {
                while (true) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            return new TargetLock(session);
                        }
                    }
                    if (System.nanoTime() >= deadline) {
                        throw busy(session, wait);
                    }
                    Thread.sleep(POLL_MILLIS);
                }
            }
        } catch (SQLException | RuntimeException e) {
            session.close();
            throw e;
        } catch (InterruptedException e) {
            session.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the target's lock", e);
        }
    }

    private static TargetRefusedException busy(Connection session, Duration wait) throws SQLException {
        String holder = "another session";
        String since = "";
        try (PreparedStatement ps = session.prepareStatement(
                "SELECT a.application_name,"
                        + " extract(epoch FROM now() - a.backend_start)::bigint FROM pg_locks l"
                        + " JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
                        + " AND l.classid = " + NAMESPACE + "::oid AND l.objid = hashtext(current_database())::oid"
                        + " AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    holder = rs.getString(1).isBlank() ? holder : rs.getString(1);
                    since = " for " + rs.getLong(2) + " s";
                }
            }
        }
        String database = session.getCatalog();
        return new TargetRefusedException(
                "database " + database + " is busy: " + holder + " holds dbshift's lock on it" + since
                        + "; this step waited " + wait.toSeconds() + " s for it. Two migrations never change one"
                        + " database at once: submit this one again when the other has ended, or raise"
                        + " dbshift.executor.target-lock-wait.",
                "55P03",
                null);
    }

    @Override
    public void close() throws SQLException {
        session.close(); // the session's end releases the lock
    }
}
