package io.dbshift.executor.backfill;

import com.fasterxml.jackson.core.type.TypeReference;
import io.dbshift.contracts.Identifiers;
import io.dbshift.contracts.Json;
import io.dbshift.contracts.request.BackfillSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a backfill would do, without doing it: how many rows its predicate selects, and a few of them before and after.
 *
 * <p>An SQL expression is applied for real to the sample's rows and rolled back, so the after values are the database's
 * own, whatever the expression; those few rows are locked for the milliseconds that takes, under the backfill's
 * {@code lock_timeout}. A transformer is called in Java on the sample's rows, read without locking. Nothing is ever
 * committed. The count is exact unless it would outlast the statement timeout; then it is the planner's estimate, and
 * says so.
 */
public final class BackfillDryRun {
    public static final int DEFAULT_SAMPLE = 5;
    public static final int MAX_SAMPLE = 100;

    /**
     * @param rowsToUpdate rows the predicate selects now (all rows without one)
     * @param estimated true when the count is the planner's estimate, the exact count having timed out
     * @param samples the first rows by key, each with the columns the backfill changes
     */
    public record Result(String table, long rowsToUpdate, boolean estimated, List<Sample> samples) {}

    /** One row: its key, and the columns the backfill writes, before and after. */
    public record Sample(Map<String, Object> key, Map<String, Object> before, Map<String, Object> after) {}

    private final String lockTimeout;
    private final String statementTimeout;

    public BackfillDryRun(String lockTimeout, String statementTimeout) {
        this.lockTimeout = lockTimeout;
        this.statementTimeout = statementTimeout;
    }

    public Result run(Connection connection, BackfillSpec spec, int sampleSize) throws SQLException {
        String table = spec.table();
        String t = Identifiers.quote(table);
        List<String> keys =
                Arrays.stream(spec.keyOrDefault().split(",")).map(String::strip).toList();
        KeysetBackfill.keyTypes(connection, table, keys); // names a missing key column
        String columns = String.join(", ", keys.stream().map(Identifiers::quote).toList());
        String predicate = spec.where() == null || spec.where().isBlank() ? "true" : spec.where();
        int n = Math.max(1, Math.min(MAX_SAMPLE, sampleSize));
        boolean autoCommit = connection.getAutoCommit();
        int isolation = connection.getTransactionIsolation();
        connection.setAutoCommit(false);
        // One snapshot for the count, the rows before and the rows after, while the application keeps writing.
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement s = connection.createStatement()) {
            s.execute("SET LOCAL lock_timeout = '" + lockTimeout + "'");
            s.execute("SET LOCAL statement_timeout = '" + statementTimeout + "'");
            long count;
            boolean estimated = false;
            Savepoint beforeCount = connection.setSavepoint();
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t + " WHERE (" + predicate + ")")) {
                rs.next();
                count = rs.getLong(1);
            } catch (SQLException e) {
                if (!"57014".equals(e.getSQLState())) {
                    throw e;
                }
                connection.rollback(beforeCount);
                count = plannerEstimate(s, "SELECT 1 FROM " + t + " WHERE (" + predicate + ")");
                estimated = true;
            }
            String sample = "SELECT " + columns + " FROM " + t + " WHERE (" + predicate + ") ORDER BY " + columns
                    + " LIMIT " + n;
            List<Map<String, Object>> before = rows(
                    s,
                    "SELECT to_jsonb(dbshift_t) FROM " + t + " AS dbshift_t WHERE (" + columns + ") IN (" + sample
                            + ") ORDER BY " + columns);
            List<Map<String, Object>> after;
            if (spec.transformer() == null || spec.transformer().isBlank()) {
                after = rows(
                        s,
                        "WITH changed AS (UPDATE " + t + " AS dbshift_t SET " + spec.set() + " WHERE (" + columns
                                + ") IN (" + sample + ") RETURNING to_jsonb(dbshift_t) AS row, " + columns + ")"
                                + " SELECT row FROM changed ORDER BY " + columns);
            } else {
                after = transformed(
                        s, spec, keys, sample.replace("SELECT " + columns + " FROM", "SELECT * FROM"), before);
            }
            return new Result(table, count, estimated, samples(keys, before, after));
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
            connection.setTransactionIsolation(isolation);
        }
    }

    /** The rows the planner expects a query to return. */
    private static long plannerEstimate(Statement s, String query) throws SQLException {
        try (ResultSet rs = s.executeQuery("EXPLAIN (FORMAT JSON) " + query)) {
            rs.next();
            try {
                return Json.MAPPER
                        .readTree(rs.getString(1))
                        .path(0)
                        .path("Plan")
                        .path("Plan Rows")
                        .asLong();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("unreadable EXPLAIN output: " + e.getMessage(), e);
            }
        }
    }

    /**
     * The transformer's output for each sample row, given the row as the backfill gives it: the keys as text, the
     * spec's columns as JDBC reads them.
     */
    private static List<Map<String, Object>> transformed(
            Statement s, BackfillSpec spec, List<String> keys, String sample, List<Map<String, Object>> before)
            throws SQLException {
        RowTransformer transformer = RowTransformers.named(spec.transformer(), spec.table());
        List<Map<String, Object>> after = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sample)) {
            int i = 0;
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (String k : keys) {
                    row.put(k, rs.getString(k));
                }
                for (String c : spec.columnsOrEmpty()) {
                    row.put(c, rs.getObject(c));
                }
                Map<String, Object> out;
                try {
                    out = transformer.transform(row);
                } catch (RuntimeException e) {
                    // Named like the backfill names it; the endpoint answers 422 with it.
                    throw new SQLException("transformer " + transformer.name() + " failed on " + keys + " = "
                            + keys.stream().map(row::get).toList() + ": " + e);
                }
                Map<String, Object> changed = new LinkedHashMap<>(before.get(i++));
                for (String w : transformer.writes()) {
                    Object v = out.get(w);
                    changed.put(w, v == null || v instanceof Number || v instanceof Boolean ? v : v.toString());
                }
                after.add(changed);
            }
        }
        return after;
    }

    private static List<Map<String, Object>> rows(Statement s, String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                try {
                    rows.add(Json.MAPPER.readValue(
                            rs.getString(1), new TypeReference<LinkedHashMap<String, Object>>() {}));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException("unreadable row from to_jsonb: " + e.getMessage(), e);
                }
            }
        }
        return rows;
    }

    /** Pairs each row with its changed version by key; only the columns that differ are shown. */
    private static List<Sample> samples(
            List<String> keys, List<Map<String, Object>> before, List<Map<String, Object>> after) {
        List<Sample> samples = new ArrayList<>();
        for (Map<String, Object> old : before) {
            Map<String, Object> key = new LinkedHashMap<>();
            keys.forEach(k -> key.put(k, old.get(k)));
            Map<String, Object> changed = after.stream()
                    .filter(a -> keys.stream().allMatch(k -> Objects.equals(a.get(k), old.get(k))))
                    .findFirst()
                    .orElse(old);
            Map<String, Object> was = new LinkedHashMap<>();
            Map<String, Object> becomes = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : changed.entrySet()) {
                if (!Objects.equals(e.getValue(), old.get(e.getKey()))) {
                    was.put(e.getKey(), old.get(e.getKey()));
                    becomes.put(e.getKey(), e.getValue());
                }
            }
            samples.add(new Sample(key, was, becomes));
        }
        return samples;
    }
}
