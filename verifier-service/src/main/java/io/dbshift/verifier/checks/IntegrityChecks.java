package io.dbshift.verifier.checks;

import io.dbshift.contracts.Identifiers;
import io.dbshift.contracts.request.CheckSpec;
import io.dbshift.contracts.result.ChecksCompleted.CheckResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs integrity checks and baseline counts in read-only transactions with a statement timeout:
 * a check can neither change the target nor hold it up for long.
 */
public final class IntegrityChecks {
    private final String statementTimeout;

    public IntegrityChecks(String statementTimeout) {
        this.statementTimeout = statementTimeout;
    }

    /**
     * Exact row counts, in one snapshot so the tables are counted at the same moment. A table the
     * target does not have is left out (staging may lack a table production has); a row-count check
     * on it then fails for want of a baseline, saying so.
     */
    public Map<String, Long> countRows(Connection connection, List<String> tables) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        readOnly(connection, () -> {
            for (String table : tables) {
                if (exists(connection, table)) {
                    counts.put(table, count(connection, "SELECT count(*) FROM " + Identifiers.quote(table)));
                }
            }
        });
        return counts;
    }

    /** Runs every check; a failing or erroring check is a result, never an exception. */
    public List<CheckResult> run(Connection connection, List<CheckSpec> checks, Map<String, Long> baseline)
            throws SQLException {
        List<CheckResult> results = new ArrayList<>();
        readOnly(connection, () -> {
            for (CheckSpec check : checks) {
                results.add(runOne(connection, check, baseline));
            }
        });
        return results;
    }

    private CheckResult runOne(Connection connection, CheckSpec check, Map<String, Long> baseline) throws SQLException {
        String kind;
        String sql;
        String expected;
        if (check.orphans() != null) {
            kind = "orphans";
            CheckSpec.OrphanSpec o = check.orphans();
            String parent = o.references().substring(0, o.references().lastIndexOf('.'));
            String parentKey = o.references().substring(o.references().lastIndexOf('.') + 1);
            String column = Identifiers.quote(o.column());
            sql = "SELECT count(*) FROM " + Identifiers.quote(o.table()) + " c WHERE c." + column
                    + " IS NOT NULL AND NOT EXISTS " + "(SELECT 1 FROM " + Identifiers.quote(parent) + " p WHERE p."
                    + Identifiers.quote(parentKey) + " = c." + column + ")";
            expected = "0";
        } else if (check.rowCount() != null) {
            kind = "rowCount";
            sql = "SELECT count(*) FROM " + Identifiers.quote(check.rowCount());
            boolean unchanged = check.expect() == null || CheckSpec.UNCHANGED.equals(check.expect());
            Long before = baseline == null ? null : baseline.get(check.rowCount());
            if (unchanged && before == null) {
                return new CheckResult(
                        check.displayName(),
                        kind,
                        false,
                        "unchanged",
                        null,
                        sql,
                        0,
                        "no baseline row count for " + check.rowCount()
                                + ": the baseline was not captured before the change");
            }
            expected = unchanged ? String.valueOf(before) : check.expect();
        } else {
            kind = "sql";
            sql = check.sql();
            expected = check.expect();
        }
        long started = System.nanoTime();
        // A savepoint per check: one check's error must not abort the others' transaction.
        var savepoint = connection.setSavepoint();
        try {
            long actual = count(connection, sql);
            connection.releaseSavepoint(savepoint);
            return new CheckResult(
                    check.displayName(),
                    kind,
                    matches(actual, expected),
                    expected,
                    String.valueOf(actual),
                    sql,
                    (System.nanoTime() - started) / 1_000_000,
                    null);
        } catch (SQLException e) {
            connection.rollback(savepoint);
            return new CheckResult(
                    check.displayName(),
                    kind,
                    false,
                    expected,
                    null,
                    sql,
                    (System.nanoTime() - started) / 1_000_000,
                    e.getMessage());
        }
    }

    /** Numbers compare as numbers: an expectation of "007" is seven. */
    private static boolean matches(long actual, String expected) {
        try {
            return actual == Long.parseLong(expected.trim());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void readOnly(Connection connection, SqlWork work) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            s.execute("SET LOCAL statement_timeout = '" + statementTimeout + "'");
            work.run();
        } finally {
            connection.rollback();
        }
    }

    private static boolean exists(Connection connection, String table) throws SQLException {
        try (var ps = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, Identifiers.quote(table));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("the query returned no row; a check must return one number");
            }
            return rs.getLong(1);
        }
    }

    @FunctionalInterface
    private interface SqlWork {
        void run() throws SQLException;
    }
}
