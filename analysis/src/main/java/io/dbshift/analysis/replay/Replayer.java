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

    public Replayer(Connection connection) {
        this.connection = connection;
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
            Set<Long> created = new HashSet<>();
            for (Statement statement : ScriptSplitter.split(script.sql())) {
                Shape shape = Shape.of(statement.sql());
                if (shape.transactionControl()) {
                    continue; // every statement gets its own transaction here; the file's own are findings
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
            connection.setAutoCommit(true);
            if (ACTIVE_SQL_TRANSACTION.equals(e.getSQLState())) {
                return outsideTransaction(script, statement, shape, before, created, lockTimeout);
            }
            throw failure(script, statement, e);
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
     * CONCURRENTLY builds and drops, REINDEX CONCURRENTLY and VACUUM run in autocommit; their lock is PostgreSQL's
     * documented SHARE UPDATE EXCLUSIVE on the table, which blocks neither reads nor writes.
     */
    private Observation outsideTransaction(
            Script script, Statement statement, Shape shape, Catalog before, Set<Long> created, String lockTimeout)
            throws SQLException {
        long started = System.nanoTime();
        try (java.sql.Statement s = connection.createStatement()) {
            s.execute(statement.sql());
        } catch (SQLException e) {
            throw failure(script, statement, e);
        }
        long micros = (System.nanoTime() - started) / 1_000;
        Catalog after = Catalog.take(connection);
        List<Change> changes = CatalogDiff.between(before, after);
        Map<Long, String> locks = new HashMap<>();
        Set<Long> scanned = new HashSet<>();
        for (Change c : changes) {
            if (c.index() != null && before.relations().containsKey(c.relation())) {
                locks.put(c.relation(), "ShareUpdateExclusiveLock");
                if (c.what() != Change.What.INDEX_DROPPED) {
                    scanned.add(c.relation());
                }
            }
        }
        return new Observation(
                script,
                statement,
                shape,
                false,
                locks,
                Set.of(),
                scanned,
                changes,
                before,
                after,
                created,
                lockTimeout,
                micros);
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
