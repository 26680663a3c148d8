package io.dbshift.analysis.replay;

import io.dbshift.analysis.Script;
import io.dbshift.analysis.catalog.Catalog;
import io.dbshift.analysis.catalog.CatalogDiff;
import io.dbshift.analysis.catalog.Change;
import io.dbshift.analysis.sql.ScriptSplitter;
import io.dbshift.analysis.sql.Shape;
import io.dbshift.analysis.sql.Statement;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Replays a migration's statements one by one on the scratch database and reads what each really did. Each statement
 * runs in its own transaction: PostgreSQL releases no lock before its transaction ends, so only then can the locks in
 * {@code pg_locks} be told apart statement by statement. Inside it, before the commit, the session reads its own locks,
 * the tables' file nodes (a new one is a rewrite), its scan counters and the catalog. The scratch database is a copy
 * made for this and dropped after, so committing touches nothing real.
 */
public final class Replayer {
    /** SQLSTATE 25001: the statement cannot run inside a transaction block (CONCURRENTLY, VACUUM, ...). */
    private static final String ACTIVE_SQL_TRANSACTION = "25001";

    private static final String OWN_LOCKS = "SELECT relation, mode FROM pg_locks WHERE pid = pg_backend_pid()"
            + " AND locktype = 'relation' AND granted AND database = (SELECT oid FROM pg_database"
            + " WHERE datname = current_database())";

    private static final String SCANS = "SELECT relid, seq_scan FROM pg_stat_xact_user_tables";

    private final Connection connection;
    private final String lockTimeout;

    /** @param lockTimeout set on the session before each script, as the migration tool would; null for none */
    public Replayer(Connection connection, String lockTimeout) {
        this.connection = connection;
        this.lockTimeout = lockTimeout;
    }

    /** Replays every script in order; each observation is handed over as soon as it is made. */
    public void replay(List<Script> scripts, Consumer<Observation> observer) throws SQLException {
        Catalog catalog = Catalog.take(connection);
        for (Script script : scripts) {
            // Each file starts from the server's defaults, as it would in a fresh session of the migration tool.
            connection.setAutoCommit(true);
            try (java.sql.Statement s = connection.createStatement()) {
                s.execute("RESET ALL");
            }
            if (lockTimeout != null) {
                try (java.sql.PreparedStatement s =
                        connection.prepareStatement("SELECT set_config('lock_timeout', ?, false)")) {
                    s.setString(1, lockTimeout);
                    s.execute();
                }
            }
            Set<Long> created = new HashSet<>();
            for (Statement statement : ScriptSplitter.split(script.sql())) {
                Shape shape = Shape.of(statement.sql());
                if (shape.transactionControl()) {
                    continue; // every statement gets its own transaction here
                }
                if (shape.serverWide()) {
                    // Roles, databases, tablespaces and system settings live in the whole server, the target's own:
                    // replaying them would change it for real.
                    observer.accept(new Observation(
                            script,
                            statement,
                            shape,
                            false,
                            false,
                            Map.of(),
                            Set.of(),
                            Set.of(),
                            List.of(),
                            catalog,
                            catalog,
                            Set.copyOf(created),
                            "",
                            0));
                    continue;
                }
                Observation o = replay(script, statement, shape, catalog, Set.copyOf(created));
                o.changes().stream()
                        .filter(c -> c.what() == Change.What.RELATION_ADDED)
                        .forEach(c -> created.add(c.relation()));
                catalog = o.after();
                observer.accept(o);
            }
        }
    }

    private Observation replay(Script script, Statement statement, Shape shape, Catalog before, Set<Long> created)
            throws SQLException {
        connection.setAutoCommit(false);
        String lockTimeout = single("SHOW lock_timeout");
        Map<Long, Long> scansBefore = scans();
        long started = System.nanoTime();
        try (java.sql.Statement s = connection.createStatement()) {
            s.execute(statement.sql());
        } catch (SQLException e) {
            connection.rollback();
            if (ACTIVE_SQL_TRANSACTION.equals(e.getSQLState())) {
                connection.setAutoCommit(true);
                return outsideTransaction(script, statement, shape, before, created, lockTimeout);
            }
            if (!(shape.isDataChange() && isIntegrityViolation(e) && withoutForeignKeyChecks(statement))) {
                connection.setAutoCommit(true);
                throw failure(script, statement, e);
            }
            started = System.nanoTime();
        }
        long micros = (System.nanoTime() - started) / 1_000;
        Map<Long, String> locks = locks();
        Map<Long, Long> scansAfter = scans();
        Catalog after = Catalog.take(connection);
        connection.commit();
        connection.setAutoCommit(true);
        Set<Long> scanned = new HashSet<>();
        scansAfter.forEach((oid, n) -> {
            if (n > scansBefore.getOrDefault(oid, 0L) && before.relations().containsKey(oid)) {
                scanned.add(oid);
            }
        });
        return new Observation(
                script,
                statement,
                shape,
                true,
                true,
                locks,
                rewritten(before, after),
                scanned,
                CatalogDiff.between(before, after),
                before,
                after,
                created,
                lockTimeout,
                micros);
    }

    /**
     * Statements PostgreSQL refuses inside a transaction block run in autocommit, where no session can read their
     * locks from inside. Their locks are PostgreSQL's documented ones, placed by what the catalog shows they did: a
     * concurrent index build, drop or reindex holds SHARE UPDATE EXCLUSIVE on the table (reads and writes go on); a
     * concurrent DETACH PARTITION holds it on the parent and ACCESS EXCLUSIVE on the partition; VACUUM holds SHARE
     * UPDATE EXCLUSIVE on what it vacuumed, VACUUM FULL ACCESS EXCLUSIVE on what it rewrote.
     */
    private Observation outsideTransaction(
            Script script, Statement statement, Shape shape, Catalog before, Set<Long> created, String lockTimeout)
            throws SQLException {
        Map<Long, Long> maintenanceBefore = maintenance();
        long started = System.nanoTime();
        try (java.sql.Statement s = connection.createStatement()) {
            s.execute(statement.sql());
        } catch (SQLException e) {
            throw failure(script, statement, e);
        }
        long micros = (System.nanoTime() - started) / 1_000;
        Catalog after = Catalog.take(connection);
        List<Change> changes = CatalogDiff.between(before, after);
        Set<Long> rewritten = rewritten(before, after);
        Map<Long, String> locks = new HashMap<>();
        Set<Long> scanned = new HashSet<>();
        maintenance().forEach((oid, count) -> {
            if (count > maintenanceBefore.getOrDefault(oid, 0L)
                    && before.relations().containsKey(oid)) {
                locks.merge(oid, "ShareUpdateExclusiveLock", LockModes::stronger);
                scanned.add(oid);
            }
        });
        for (Change c : changes) {
            if (c.index() != null && before.relations().containsKey(c.relation())) {
                locks.merge(c.relation(), "ShareUpdateExclusiveLock", LockModes::stronger);
                if (c.what() != Change.What.INDEX_DROPPED) {
                    scanned.add(c.relation());
                }
            } else if (c.what() == Change.What.PARTITION_DETACHED) {
                locks.merge(
                        before.relations().get(c.relation()).parent(), "ShareUpdateExclusiveLock", LockModes::stronger);
                locks.merge(c.relation(), "AccessExclusiveLock", LockModes::stronger);
            }
        }
        rewritten.forEach(oid -> locks.merge(oid, "AccessExclusiveLock", LockModes::stronger));
        return new Observation(
                script,
                statement,
                shape,
                true,
                false,
                locks,
                rewritten,
                scanned,
                changes,
                before,
                after,
                created,
                lockTimeout,
                micros);
    }

    /** Vacuums and analyses per table so far: VACUUM changes no catalog object, but counts here. */
    private Map<Long, Long> maintenance() throws SQLException {
        Map<Long, Long> counts = new HashMap<>();
        try (java.sql.Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT relid, vacuum_count + analyze_count FROM pg_stat_user_tables")) {
            while (rs.next()) {
                counts.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return counts;
    }

    /** Class 23: a row broke a constraint. */
    private static boolean isIntegrityViolation(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }

    /**
     * The scratch copy has the target's schema and none of its rows, so a data change that refers to existing rows
     * (an INSERT whose foreign key points at a user) fails there though it would not on the target. It is run again
     * with foreign-key triggers off ({@code session_replication_role = replica}, which needs a superuser); the locks
     * the key checks would take on the referenced tables are then not seen.
     */
    private boolean withoutForeignKeyChecks(Statement statement) throws SQLException {
        try (java.sql.Statement s = connection.createStatement()) {
            s.execute("SET LOCAL session_replication_role = replica");
            s.execute(statement.sql());
            return true;
        } catch (SQLException again) {
            connection.rollback();
            return false;
        }
    }

    private static Set<Long> rewritten(Catalog before, Catalog after) {
        Set<Long> rewritten = new HashSet<>();
        after.relations().forEach((oid, r) -> {
            Catalog.Relation old = before.relations().get(oid);
            if (old != null && old.fileNode() != 0 && old.fileNode() != r.fileNode()) {
                rewritten.add(oid);
            }
        });
        return rewritten;
    }

    private ReplayFailure failure(Script script, Statement statement, SQLException e) {
        int position = 0;
        String message = e.getMessage();
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            ServerErrorMessage m = p.getServerErrorMessage();
            position = m.getPosition();
            message = m.getMessage() + (m.getDetail() == null ? "" : " (" + m.getDetail() + ")");
        }
        int[] at =
                position > 0 ? statement.lineAndColumnOf(position) : new int[] {statement.line(), statement.column()};
        return new ReplayFailure(script, statement, e.getSQLState(), message, at[0], at[1]);
    }

    private Map<Long, String> locks() throws SQLException {
        Map<Long, String> locks = new HashMap<>();
        try (java.sql.Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(OWN_LOCKS)) {
            while (rs.next()) {
                locks.merge(rs.getLong(1), rs.getString(2), LockModes::stronger);
            }
        }
        return locks;
    }

    private Map<Long, Long> scans() throws SQLException {
        Map<Long, Long> scans = new HashMap<>();
        try (java.sql.Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(SCANS)) {
            while (rs.next()) {
                scans.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return scans;
    }

    private String single(String sql) throws SQLException {
        try (java.sql.Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
