package io.dbshift.analysis.judge;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The target's tables as they are: the planner's row estimate, sizes on disk and activity since the statistics were
 * last reset. The scratch copy has the schema and no rows; these figures say what a lock will cost on the real thing.
 *
 * @param rows the planner's estimate; -1 when the table was never analysed
 * @param heapBytes the table without indexes (what a scan reads)
 * @param totalBytes with indexes and TOAST (what a rewrite writes)
 * @param writes rows inserted, updated and deleted since the statistics were reset
 * @param reads sequential and index scans since then
 */
public record TableStats(long rows, long heapBytes, long totalBytes, long writes, long reads) {

    public static Map<String, TableStats> of(Connection target) throws SQLException {
        Map<String, TableStats> stats = new HashMap<>();
        try (Statement s = target.createStatement();
                ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname, c.reltuples::bigint, pg_table_size(c.oid),"
                        + " pg_total_relation_size(c.oid), coalesce(t.n_tup_ins + t.n_tup_upd + t.n_tup_del, 0),"
                        + " coalesce(t.seq_scan + coalesce(t.idx_scan, 0), 0) FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " LEFT JOIN pg_stat_user_tables t ON t.relid = c.oid WHERE c.relkind IN ('r', 'p', 'm')"
                        + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                        + " AND n.nspname NOT LIKE 'pg_toast%'")) {
            while (rs.next()) {
                String schema = rs.getString(1);
                String name = schema.equals("public") ? rs.getString(2) : schema + "." + rs.getString(2);
                stats.put(
                        name,
                        new TableStats(rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7)));
            }
        }
        return stats;
    }

    /** Rows, from the estimate or, for a table never analysed, from its size at a modest 100 bytes a row. */
    public long rowsOrGuess() {
        return rows >= 0 ? rows : heapBytes / 100;
    }
}
