package io.dbshift.analysis.schema;

import io.dbshift.analysis.catalog.Catalog;
import io.dbshift.contracts.schema.SchemaSnapshot;
import io.dbshift.contracts.schema.SchemaSnapshot.ColumnInfo;
import io.dbshift.contracts.schema.SchemaSnapshot.SequenceInfo;
import io.dbshift.contracts.schema.SchemaSnapshot.TableInfo;
import io.dbshift.contracts.schema.SchemaSnapshot.ViewInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Documents a target's current schema from the catalog: tables with their columns, constraints (and whether
 * validated), indexes (and whether valid), triggers, row estimates and sizes; views, sequences and functions.
 */
public final class SchemaSnapshotter {
    private SchemaSnapshotter() {}

    /** Ordinary and partitioned tables outside the system schemas; migration tools' own tables are left out. */
    private static final String TABLES = "SELECT c.oid, n.nspname, c.relname, c.reltuples::bigint AS estimate,"
            + " pg_total_relation_size(c.oid) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg_toast%' AND c.relname NOT IN " + Catalog.HISTORY_TABLES
            + " ORDER BY n.nspname, c.relname";

    private static final String COLUMNS = """
      SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
             pg_get_expr(d.adbin, d.adrelid)
      FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = ANY (?) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum""";

    private static final String CONSTRAINTS = """
      SELECT conrelid, conname || ' ' || pg_get_constraintdef(oid)
             || CASE WHEN convalidated THEN '' ELSE ' (not validated)' END
      FROM pg_constraint WHERE conrelid = ANY (?) ORDER BY conrelid, conname""";

    private static final String INDEXES = """
      SELECT i.indrelid, pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' (INVALID)' END
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ANY (?)
      ORDER BY i.indrelid, c.relname""";

    private static final String TRIGGERS = """
      SELECT tgrelid, pg_get_triggerdef(oid) || CASE WHEN tgenabled = 'D' THEN ' (disabled)' ELSE '' END
      FROM pg_trigger WHERE tgrelid = ANY (?) AND NOT tgisinternal ORDER BY tgrelid, tgname""";

    private static final String USER_SCHEMA = "n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'";

    public static SchemaSnapshot take(Connection connection) throws SQLException {
        String version;
        try (ResultSet rs = connection.createStatement().executeQuery("SHOW server_version")) {
            rs.next();
            version = rs.getString(1);
        }
        // Four queries over all tables, not four per table: a snapshot is taken after every step of a rehearsal.
        Map<Long, Object[]> rows = new LinkedHashMap<>();
        try (ResultSet rs = connection.createStatement().executeQuery(TABLES)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), new Object[] {rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)});
            }
        }
        java.sql.Array oids = connection.createArrayOf("oid", rows.keySet().toArray());
        Map<Long, List<ColumnInfo>> columns = new java.util.HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
            ps.setArray(1, oids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                            .add(new ColumnInfo(rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5)));
                }
            }
        }
        Map<Long, List<String>> constraints = strings(connection, CONSTRAINTS, oids);
        Map<Long, List<String>> indexes = strings(connection, INDEXES, oids);
        Map<Long, List<String>> triggers = strings(connection, TRIGGERS, oids);
        Map<Long, TableInfo> tables = new LinkedHashMap<>();
        rows.forEach((oid, r) -> tables.put(
                oid,
                new TableInfo(
                        (String) r[0],
                        (String) r[1],
                        (Long) r[2],
                        (Long) r[3],
                        columns.getOrDefault(oid, List.of()),
                        constraints.getOrDefault(oid, List.of()),
                        indexes.getOrDefault(oid, List.of()),
                        triggers.getOrDefault(oid, List.of()))));
        List<ViewInfo> views = new ArrayList<>();
        try (ResultSet rs = connection
                .createStatement()
                .executeQuery("SELECT n.nspname, c.relname, c.relkind = 'm',"
                        + " pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE c.relkind IN ('v', 'm') AND " + USER_SCHEMA + " ORDER BY 1, 2")) {
            while (rs.next()) {
                views.add(new ViewInfo(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getBoolean(3),
                        rs.getString(4).strip()));
            }
        }
        List<SequenceInfo> sequences = new ArrayList<>();
        try (ResultSet rs = connection
                .createStatement()
                .executeQuery("SELECT s.schemaname, s.sequencename,"
                        + " s.data_type::text, (SELECT d.refobjid::regclass || '.' || a.attname FROM pg_depend d"
                        + " JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                        + " WHERE d.objid = (quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename))::regclass"
                        + " AND d.deptype IN ('a', 'i') LIMIT 1) FROM pg_sequences s"
                        + " WHERE s.schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2")) {
            while (rs.next()) {
                sequences.add(new SequenceInfo(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        List<String> functions = new ArrayList<>();
        try (ResultSet rs = connection
                .createStatement()
                .executeQuery("SELECT n.nspname || '.' || p.proname || '('"
                        + " || pg_get_function_identity_arguments(p.oid) || ')' || CASE p.prokind WHEN 'p' THEN ' procedure'"
                        + " ELSE ' returns ' || pg_get_function_result(p.oid) END FROM pg_proc p"
                        + " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + USER_SCHEMA
                        + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass"
                        + " AND d.objid = p.oid AND d.deptype = 'e') ORDER BY 1")) {
            while (rs.next()) {
                functions.add(rs.getString(1));
            }
        }
        return new SchemaSnapshot(
                version, Instant.now(), new ArrayList<>(tables.values()), views, sequences, functions);
    }

    /** A query of (table oid, text) rows, grouped by table in the query's order. */
    private static Map<Long, List<String>> strings(Connection connection, String sql, java.sql.Array oids)
            throws SQLException {
        Map<Long, List<String>> values = new java.util.HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setArray(1, oids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                            .add(rs.getString(2));
                }
            }
        }
        return values;
    }
}
