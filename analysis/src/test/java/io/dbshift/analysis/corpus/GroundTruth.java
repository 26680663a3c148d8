package io.dbshift.analysis.corpus;

import io.dbshift.analysis.corpus.Corpus.Access;
import io.dbshift.analysis.corpus.Corpus.Entry;
import io.dbshift.localstack.LocalPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures what a corpus statement does on PostgreSQL itself, without any analyser: the table locks its backend holds
 * or waits for (from {@code pg_locks}), the relations whose relfilenode it changes, the relations it reads in full (from
 * the statistics' sequential-scan counts), and which application reads and writes it holds up (by trying them from
 * another session under a short lock_timeout).
 *
 * <p>Every entry runs on its own copy of the base database. A transactional statement runs in session A inside a
 * transaction that is kept open while session B looks at it, then rolled back. A statement that cannot run in a
 * transaction block (CONCURRENTLY, VACUUM) is made to wait instead, by blocker sessions that hold a REPEATABLE READ
 * snapshot and ACCESS SHARE on every base relation, and B looks at it at each wait.
 */
final class GroundTruth implements AutoCloseable {
    static final String BASE_DATABASE = "corpus_base";
    static final String SCRATCH_DATABASE = "corpus_gt";

    /**
     * How long a probe waits for its lock before it counts as blocked. A lock nobody conflicts with is granted without
     * waiting at all, so this only has to be short enough to keep the corpus fast.
     */
    private static final String PROBE_LOCK_TIMEOUT = "10ms";

    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** More waits than any CONCURRENTLY statement has phases: beyond it something other than the blockers holds it up. */
    private static final int MAX_WAITS = 10;

    /** What one statement was measured to do. */
    record Measurement(
            Map<String, LockMode> locks, List<String> rewrites, List<String> scans, Map<String, Set<Access>> blocks) {}

    /**
     * A table, partitioned table, view or materialized view of the base schema. Oids survive CREATE DATABASE ...
     * TEMPLATE, so a scratch copy's pg_locks can be read against them even for relations the statement renamed or
     * dropped. {@code updatableColumn} is a column an UPDATE may assign (not identity, not generated), null for views.
     */
    private record Relation(long oid, String name, char kind, String updatableColumn) {
        boolean writable() {
            return kind == 'r' || kind == 'p';
        }

        boolean hasStorage() {
            return kind == 'r' || kind == 'm';
        }
    }

    private final LocalPostgres pg;
    private final Map<Long, Relation> baseRelations;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "corpus-statement");
        t.setDaemon(true);
        return t;
    });

    private GroundTruth(LocalPostgres pg, Map<Long, Relation> baseRelations) {
        this.pg = pg;
        this.baseRelations = baseRelations;
    }

    /** Loads base.sql into {@value #BASE_DATABASE}, statement by statement, and notes its relations. */
    static GroundTruth prepare(LocalPostgres pg, Corpus corpus) throws SQLException {
        pg.recreateDatabase(BASE_DATABASE);
        // Closed before any copy is made: CREATE DATABASE ... TEMPLATE refuses a template with sessions.
        try (Connection c = pg.connect(BASE_DATABASE);
                Statement s = c.createStatement()) {
            s.execute("SET TimeZone = '" + Corpus.TIME_ZONE + "'");
            for (String statement : corpus.baseStatements()) {
                try {
                    s.execute(statement);
                } catch (SQLException e) {
                    throw new SQLException("base.sql failed at: " + statement + "\n" + e.getMessage(), e);
                }
            }
            return new GroundTruth(pg, relations(c));
        }
    }

    private static Map<Long, Relation> relations(Connection c) throws SQLException {
        Map<Long, Relation> relations = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                        SELECT c.oid::bigint, c.relname, c.relkind,
                               (SELECT a.attname FROM pg_attribute a
                                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                                   AND a.attidentity = '' AND a.attgenerated = ''
                                 ORDER BY a.attnum LIMIT 1)
                          FROM pg_class c
                         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
                        """)) {
            while (rs.next()) {
                relations.put(
                        rs.getLong(1),
                        new Relation(
                                rs.getLong(1), rs.getString(2), rs.getString(3).charAt(0), rs.getString(4)));
            }
        }
        return relations;
    }

    Measurement measure(Entry entry) throws Exception {
        copyBase();
        try (Connection a = session();
                Connection b = session()) {
            return entry.transactional() ? inTransaction(entry, a, b) : whileWaiting(entry, a, b);
        } finally {
            dropScratch();
        }
    }

    private Measurement inTransaction(Entry entry, Connection a, Connection b) throws SQLException {
        long pid = pid(a);
        a.setAutoCommit(false);
        // Read by A itself: the new relfilenode is in A's uncommitted catalog, invisible to B.
        Map<Long, Long> before = fileNodes(a);
        try (Statement s = a.createStatement()) {
            s.execute(entry.sql());
        }
        Map<Long, Long> after = fileNodes(a);
        // The statement's own counts, before commit: nobody else's scans are in them.
        List<String> scans = scanned(a, "pg_stat_xact_user_tables", Map.of());
        Map<String, LockMode> locks = locks(b, pid);
        Map<String, Set<Access>> blocks = probe(b);
        a.rollback();
        return new Measurement(locks, rewritten(before, after), scans, blocks);
    }

    /**
     * Runs a statement that cannot run in a transaction block and looks at it each time it waits. Such statements
     * work in phases (CONCURRENTLY commits between them) and may take different locks in each, so one look is not
     * enough: whenever the statement waits for the current blocker, a new blocker takes its snapshot and locks, then
     * the old one commits, and the statement goes on to its next wait — or to its end.
     */
    private Measurement whileWaiting(Entry entry, Connection a, Connection b) throws Exception {
        long pid = pid(a);
        SortedMap<String, LockMode> locks = new TreeMap<>();
        SortedMap<String, Set<Access>> blocks = new TreeMap<>();
        Connection blocker = blocker(true);
        try {
            Map<Long, Long> before = fileNodes(b);
            Map<Long, Long> scansBefore = seqScans(b, "pg_stat_user_tables");
            Future<?> running = runner.submit(() -> {
                try (Statement s = a.createStatement()) {
                    s.execute(entry.sql());
                }
                return null;
            });
            int waits = 0;
            while (awaitBlockedOrDone(b, pid, running)) {
                if (++waits > MAX_WAITS) {
                    throw new IllegalStateException("still waiting after " + MAX_WAITS + " blockers were released");
                }
                locks(b, pid).forEach((relation, mode) -> locks.merge(relation, mode, LockMode::max));
                probe(b).forEach((relation, accesses) -> blocks.merge(relation, accesses, GroundTruth::union));
                Connection next = blocker(false);
                blocker.commit();
                blocker.close();
                blocker = next;
            }
            try {
                running.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
            if (waits == 0) {
                throw new IllegalStateException("finished without ever waiting for an open snapshot or lock, so its"
                        + " locks could not be observed; only statements that wait belong in the corpus as"
                        + " non-transactional");
            }
            // A CONCURRENTLY statement spans several transactions, so its scans are read from the cumulative
            // statistics, which a backend flushes for certain only when it exits. Nothing else scans meanwhile: the
            // blockers and probes read LIMIT 0 or update WHERE false, which lock but never start a scan.
            a.close();
            awaitExit(b, pid);
            return new Measurement(
                    Collections.unmodifiableSortedMap(locks),
                    rewritten(before, fileNodes(b)),
                    scanned(b, "pg_stat_user_tables", scansBefore),
                    Collections.unmodifiableSortedMap(blocks));
        } finally {
            blocker.close();
        }
    }

    /**
     * A session in a REPEATABLE READ transaction holding a snapshot and ACCESS SHARE on every base relation it can
     * lock at once. The first is opened before the statement and locks everything; later ones skip a relation the
     * statement already queues for, since waiting behind it would never end.
     */
    private Connection blocker(boolean first) throws SQLException {
        Connection c = session();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            s.execute("SET LOCAL lock_timeout = '" + (first ? "0" : PROBE_LOCK_TIMEOUT) + "'");
            for (Relation r : baseRelations.values()) {
                s.execute("SAVEPOINT take");
                // A SELECT rather than LOCK TABLE, which refuses materialized views.
                if (isBlocked(s, "SELECT 1 FROM " + quote(r.name()) + " LIMIT 0")) {
                    s.execute("ROLLBACK TO SAVEPOINT take");
                }
            }
        }
        return c;
    }

    private static Set<Access> union(Set<Access> x, Set<Access> y) {
        SortedSet<Access> both = new TreeSet<>(x);
        both.addAll(y);
        return Collections.unmodifiableSortedSet(both);
    }

    /** True once pid waits for another session; false once the statement has ended. */
    private static boolean awaitBlockedOrDone(Connection observer, long pid, Future<?> running)
            throws SQLException, TimeoutException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try (PreparedStatement blocked =
                observer.prepareStatement("SELECT cardinality(pg_blocking_pids(?::int)) > 0")) {
            blocked.setLong(1, pid);
            while (!running.isDone()) {
                try (ResultSet rs = blocked.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return true;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("the statement neither waited nor finished within " + PATIENCE);
                }
                LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
            }
            return false;
        }
    }

    /** The strongest mode pid holds or awaits on each base relation (a lock it waits for is one it will hold). */
    private Map<String, LockMode> locks(Connection observer, long pid) throws SQLException {
        SortedMap<String, LockMode> locks = new TreeMap<>();
        try (PreparedStatement s = observer.prepareStatement("""
                SELECT relation::bigint, mode FROM pg_locks
                 WHERE pid = ? AND locktype = 'relation'
                   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """)) {
            s.setLong(1, pid);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Relation r = baseRelations.get(rs.getLong(1));
                    if (r != null) {
                        locks.merge(r.name(), LockMode.fromPgName(rs.getString(2)), LockMode::max);
                    }
                }
            }
        }
        return Collections.unmodifiableSortedMap(locks);
    }

    /**
     * Tries what an application does on every base relation — a SELECT, and on tables an UPDATE that matches no row
     * (it takes the same ROW EXCLUSIVE lock as any write) — and notes which of them time out waiting for a lock.
     */
    private Map<String, Set<Access>> probe(Connection prober) throws SQLException {
        SortedMap<String, Set<Access>> blocked = new TreeMap<>();
        try (Statement s = prober.createStatement()) {
            s.execute("SET lock_timeout = '" + PROBE_LOCK_TIMEOUT + "'");
            for (Relation r : baseRelations.values()) {
                Set<Access> accesses = EnumSet.noneOf(Access.class);
                if (isBlocked(s, "SELECT 1 FROM " + quote(r.name()) + " LIMIT 0")) {
                    accesses.add(Access.READS);
                }
                if (r.writable()
                        && isBlocked(
                                s,
                                "UPDATE " + quote(r.name()) + " SET " + quote(r.updatableColumn()) + " = "
                                        + quote(r.updatableColumn()) + " WHERE false")) {
                    accesses.add(Access.WRITES);
                }
                if (!accesses.isEmpty()) {
                    blocked.put(r.name(), Collections.unmodifiableSortedSet(new TreeSet<>(accesses)));
                }
            }
            s.execute("RESET lock_timeout");
        }
        return Collections.unmodifiableSortedMap(blocked);
    }

    private static boolean isBlocked(Statement s, String sql) throws SQLException {
        try {
            s.execute(sql);
            return false;
        } catch (SQLException e) {
            if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                return true;
            }
            throw new SQLException("probe " + sql + " failed: " + e.getMessage(), e);
        }
    }

    private Map<Long, Long> fileNodes(Connection c) throws SQLException {
        Map<Long, Long> nodes = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT oid::bigint, relfilenode::bigint FROM pg_class"
                        + " WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'm')")) {
            while (rs.next()) {
                if (baseRelations.containsKey(rs.getLong(1))) {
                    nodes.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        return nodes;
    }

    /** Sequential scans (including the heap scans of index builds, rewrites and validations) per base relation. */
    private Map<Long, Long> seqScans(Connection c, String view) throws SQLException {
        Map<Long, Long> scans = new HashMap<>();
        try (Statement s = c.createStatement()) {
            // Statistics are otherwise cached for the rest of the transaction.
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs = s.executeQuery("SELECT relid::bigint, seq_scan FROM " + view)) {
                while (rs.next()) {
                    if (baseRelations.containsKey(rs.getLong(1))) {
                        scans.put(rs.getLong(1), rs.getLong(2));
                    }
                }
            }
        }
        return scans;
    }

    /** Base relations scanned since the given counts. */
    private List<String> scanned(Connection c, String view, Map<Long, Long> before) throws SQLException {
        List<String> names = new ArrayList<>();
        seqScans(c, view).forEach((oid, count) -> {
            if (count > before.getOrDefault(oid, 0L)) {
                names.add(baseRelations.get(oid).name());
            }
        });
        return List.copyOf(new TreeSet<>(names));
    }

    private static void awaitExit(Connection observer, long pid) throws SQLException, TimeoutException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try (PreparedStatement alive =
                observer.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
            alive.setLong(1, pid);
            while (true) {
                try (ResultSet rs = alive.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("backend " + pid + " did not exit within " + PATIENCE);
                }
                LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
            }
        }
    }

    /** Base relations with storage whose relfilenode changed; a dropped relation was not rewritten. */
    private List<String> rewritten(Map<Long, Long> before, Map<Long, Long> after) {
        List<String> names = new ArrayList<>();
        for (Relation r : baseRelations.values()) {
            if (r.hasStorage()
                    && after.containsKey(r.oid())
                    && !after.get(r.oid()).equals(before.get(r.oid()))) {
                names.add(r.name());
            }
        }
        return List.copyOf(new TreeSet<>(names));
    }

    private Connection session() throws SQLException {
        Connection c = pg.connect(SCRATCH_DATABASE);
        try (Statement s = c.createStatement()) {
            s.execute("SET TimeZone = '" + Corpus.TIME_ZONE + "'");
        }
        return c;
    }

    private static long pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void copyBase() throws SQLException {
        try (Connection c = pg.connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + SCRATCH_DATABASE + " WITH (FORCE)");
            // The default strategy (WAL_LOG on 15+) measured faster here than FILE_COPY, whose checkpoint per copy
            // costs more than logging a 25 MB database.
            s.execute("CREATE DATABASE " + SCRATCH_DATABASE + " TEMPLATE " + BASE_DATABASE);
        }
    }

    private void dropScratch() throws SQLException {
        try (Connection c = pg.connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + SCRATCH_DATABASE + " WITH (FORCE)");
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }
}
