package io.dbshift.analysis.rehearse;

import io.dbshift.analysis.Script;
import io.dbshift.analysis.schema.SchemaDiff;
import io.dbshift.analysis.schema.SchemaSnapshotter;
import io.dbshift.analysis.sql.ScriptSplitter;
import io.dbshift.analysis.sql.Statement;
import io.dbshift.contracts.Identifiers;
import io.dbshift.contracts.schema.SchemaSnapshot;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;

/**
 * Proves a migration's rollback on a database where it was applied, backfilled and verified (staging): the down
 * scripts newest first, the schema compared with the one before the migration and the row counts with the ones before
 * it, then the up scripts again, the schema compared with the applied one. All of it in one transaction that is rolled
 * back at the end, whatever happens: the database is left exactly as it was, its data and migration history included.
 *
 * <p>One transaction means {@code CONCURRENTLY} cannot run: it is left out of the rehearsed statements ({@code CREATE
 * INDEX CONCURRENTLY} builds the same index as {@code CREATE INDEX}). The locks are therefore stronger than production's
 * and held until the end; they are reported, not judged (the design analysis judges locks).
 */
public final class RollbackRehearsal {
    private static final Pattern CONCURRENTLY = Pattern.compile("(?i)\\s+CONCURRENTLY\\b");

    /** What the rehearsal found; see {@code RollbackRehearsed} for the verdicts. */
    public enum Verdict {
        REVERSIBLE,
        IRREVERSIBLE,
        DOWN_FAILED,
        DOWN_INCOMPLETE,
        DATA_CHANGED,
        REDO_FAILED
    }

    public record Result(
            Verdict verdict,
            List<String> irreversibleVersions,
            Rehearsal.Refusal refusal,
            List<String> differences,
            Map<String, Long> rowCounts,
            List<String> locks,
            long downMillis,
            long redoMillis,
            boolean comparedWithBefore,
            List<String> tablesChecksummed) {}

    private RollbackRehearsal() {}

    /**
     * @param migrations what was applied, in the order it was applied
     * @param before the schema before the migrations were applied; null when it is not known (the database had them
     *     before): then only the downs and the ups again are proven, not what the downs give back
     * @param baseline row counts before the migrations were applied, by table name as counted; not compared without
     *     {@code before}
     */
    public static Result rehearse(
            Connection connection, List<Reversible> migrations, SchemaSnapshot before, Map<String, Long> baseline)
            throws SQLException {
        return rehearse(connection, migrations, before, baseline, List.of());
    }

    /**
     * As {@link #rehearse(Connection, List, SchemaSnapshot, Map)}, and the contents of {@code unchanged} (tables the
     * migration does not touch) checksummed before and after the downs: a down that changes them is {@code
     * DATA_CHANGED}.
     */
    public static Result rehearse(
            Connection connection,
            List<Reversible> migrations,
            SchemaSnapshot before,
            Map<String, Long> baseline,
            List<String> unchanged)
            throws SQLException {
        List<String> irreversible = migrations.stream()
                .filter(Reversible::irreversible)
                .map(m -> m.up().version())
                .toList();
        if (!irreversible.isEmpty()) {
            return new Result(
                    Verdict.IRREVERSIBLE,
                    irreversible,
                    null,
                    List.of(),
                    Map.of(),
                    List.of(),
                    0,
                    0,
                    before != null,
                    List.of());
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            SchemaSnapshot applied = SchemaSnapshotter.take(connection);
            Map<String, String> sums = checksums(connection, unchanged);
            long t0 = System.nanoTime();
            for (int i = migrations.size() - 1; i >= 0; i--) {
                Rehearsal.Refusal refused = run(connection, migrations.get(i).down());
                if (refused != null) {
                    return new Result(
                            Verdict.DOWN_FAILED,
                            List.of(),
                            refused,
                            List.of(),
                            Map.of(),
                            List.of(),
                            millis(t0),
                            0,
                            before != null,
                            List.of());
                }
            }
            long downMillis = millis(t0);
            List<String> locks = locks(connection);
            List<String> left = before == null
                    ? List.of()
                    : SchemaDiff.between(before, SchemaSnapshotter.take(connection)).stream()
                            .map(SchemaDiff.Entry::toString)
                            .toList();
            if (!left.isEmpty()) {
                return new Result(
                        Verdict.DOWN_INCOMPLETE,
                        List.of(),
                        null,
                        left,
                        Map.of(),
                        locks,
                        downMillis,
                        0,
                        true,
                        List.of());
            }
            Map<String, Long> counts = new LinkedHashMap<>();
            List<String> changed = new ArrayList<>();
            for (Map.Entry<String, Long> e :
                    before == null ? Map.<String, Long>of().entrySet() : baseline.entrySet()) {
                Long n = count(connection, e.getKey());
                if (n == null) {
                    continue; // a table the schema comparison accounts for
                }
                counts.put(e.getKey(), n);
                if (!n.equals(e.getValue())) {
                    changed.add(e.getKey() + " has " + n + " rows after the rollback, " + e.getValue() + " before the"
                            + " migration");
                }
            }
            Map<String, String> sumsAfter = checksums(connection, unchanged);
            sums.forEach((table, sum) -> {
                if (!sum.equals(sumsAfter.get(table))) {
                    changed.add(table + ": its rows changed under the down scripts, which the migration does not"
                            + " touch (checksum " + sum + " before, " + sumsAfter.get(table) + " after)");
                }
            });
            if (!changed.isEmpty()) {
                return new Result(
                        Verdict.DATA_CHANGED,
                        List.of(),
                        null,
                        changed,
                        counts,
                        locks,
                        downMillis,
                        0,
                        true,
                        List.copyOf(sums.keySet()));
            }
            long t1 = System.nanoTime();
            for (Reversible m : migrations) {
                Rehearsal.Refusal refused = run(connection, m.up());
                if (refused != null) {
                    return new Result(
                            Verdict.REDO_FAILED,
                            List.of(),
                            refused,
                            List.of(),
                            counts,
                            locks,
                            downMillis,
                            millis(t1),
                            before != null,
                            List.copyOf(sums.keySet()));
                }
            }
            long redoMillis = millis(t1);
            List<String> redo = SchemaDiff.between(applied, SchemaSnapshotter.take(connection)).stream()
                    .map(SchemaDiff.Entry::toString)
                    .toList();
            return new Result(
                    redo.isEmpty() ? Verdict.REVERSIBLE : Verdict.REDO_FAILED,
                    List.of(),
                    null,
                    redo,
                    counts,
                    locks,
                    downMillis,
                    redoMillis,
                    before != null,
                    List.copyOf(sums.keySet()));
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * What a real rollback did.
     *
     * @param refusal PostgreSQL's refusal of a down statement: then nothing was rolled back
     * @param differences how the schema differs from the one before the migration; empty when the rollback verifies
     * @param rowCounts rows of the given tables just before the down scripts and just after, as {@code [before, after]}:
     *     on a live database the counts before the migration have moved on, so these say what the downs themselves did
     */
    public record RolledBack(Rehearsal.Refusal refusal, List<String> differences, Map<String, long[]> rowCounts) {}

    /**
     * Rolls the migrations back for real: their down scripts, newest first, in one transaction together with the
     * removal of their versions from {@code historyTable} (so they can be applied again later), committed only when
     * every statement ran. Then compares the schema with {@code before}. The rows of {@code tables} are counted in the
     * transaction before and after the downs. {@code CONCURRENTLY} is left out as in the rehearsal: the statements are
     * the ones the rehearsal proved.
     */
    public static RolledBack rollBack(
            Connection connection,
            List<Reversible> migrations,
            SchemaSnapshot before,
            java.util.Collection<String> tables,
            String historyTable)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        Map<String, long[]> counts = new LinkedHashMap<>();
        try {
            for (String table : tables) {
                Long n = count(connection, table);
                if (n != null) {
                    counts.put(table, new long[] {n, -1});
                }
            }
            for (int i = migrations.size() - 1; i >= 0; i--) {
                Rehearsal.Refusal refused = run(connection, migrations.get(i).down());
                if (refused != null) {
                    connection.rollback();
                    return new RolledBack(refused, List.of(), Map.of());
                }
            }
            for (Map.Entry<String, long[]> e : counts.entrySet()) {
                Long n = count(connection, e.getKey());
                e.getValue()[1] = n == null ? -1 : n;
            }
            String history = Identifiers.quote(historyTable);
            try (java.sql.PreparedStatement exists = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                exists.setString(1, history);
                try (ResultSet rs = exists.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        try (java.sql.PreparedStatement delete =
                                connection.prepareStatement("DELETE FROM " + history + " WHERE version = ?")) {
                            for (Reversible m : migrations) {
                                delete.setString(1, m.up().version());
                                delete.addBatch();
                            }
                            delete.executeBatch();
                        }
                    }
                }
            }
            connection.commit();
        } finally {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            connection.setAutoCommit(autoCommit);
        }
        List<String> differences = SchemaDiff.between(before, SchemaSnapshotter.take(connection)).stream()
                .map(SchemaDiff.Entry::toString)
                .toList();
        return new RolledBack(null, differences, counts);
    }

    /** A script's statements inside the rehearsal's transaction; the first refusal ends the rehearsal. */
    private static Rehearsal.Refusal run(Connection connection, Script script) throws SQLException {
        try (java.sql.Statement s = connection.createStatement()) {
            for (Statement statement : ScriptSplitter.split(script.sql())) {
                try {
                    s.execute(CONCURRENTLY.matcher(statement.sql()).replaceAll(""));
                } catch (PSQLException e) {
                    return Rehearsal.refusal(script, statement, e);
                }
            }
            return null;
        }
    }

    private static List<String> locks(Connection connection) throws SQLException {
        List<String> locks = new ArrayList<>();
        try (java.sql.Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT c.relname || ' ' || l.mode FROM pg_locks l JOIN pg_class c ON"
                        + " c.oid = l.relation WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND"
                        + " c.relkind IN ('r', 'p') AND c.relnamespace <> 'pg_catalog'::regnamespace ORDER BY 1")) {
            while (rs.next()) {
                locks.add(rs.getString(1));
            }
        }
        return locks;
    }

    /** An MD5 over each table's rows in a fixed order, in the transaction's snapshot; tables that do not exist are left out. */
    private static Map<String, String> checksums(Connection connection, List<String> tables) throws SQLException {
        Map<String, String> sums = new java.util.TreeMap<>();
        for (String table : tables) {
            if (count(connection, table) == null) {
                continue;
            }
            try (java.sql.Statement s = connection.createStatement();
                    ResultSet rs =
                            s.executeQuery("SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                                    + " FROM " + Identifiers.quote(table) + " t")) {
                rs.next();
                sums.put(table, rs.getString(1));
            }
        }
        return sums;
    }

    /** The table's rows, or null when there is no such table. */
    private static Long count(Connection connection, String table) throws SQLException {
        String quoted = Identifiers.quote(table);
        try (java.sql.PreparedStatement ps = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, quoted);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return null;
                }
            }
        }
        try (java.sql.Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + quoted)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
