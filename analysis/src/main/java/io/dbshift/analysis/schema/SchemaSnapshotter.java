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
      SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid)
      FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""";

    private static final String CONSTRAINTS = """
      SELECT conname || ' ' || pg_get_constraintdef(oid) || CASE WHEN convalidated THEN '' ELSE ' (not validated)' END
      FROM pg_constraint WHERE conrelid = ? ORDER BY conname""";

    private static final String INDEXES = """
      SELECT pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' (INVALID)' END
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ? ORDER BY c.relname""";

    private static final String TRIGGERS = """
      SELECT pg_get_triggerdef(oid) || CASE WHEN tgenabled = 'D' THEN ' (disabled)' ELSE '' END
      FROM pg_trigger WHERE tgrelid = ? AND NOT tgisinternal ORDER BY tgname""";

    private static final String USER_SCHEMA = "n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'";

    public static SchemaSnapshot take(Connection connection) throws SQLException {
        String version;
        try (ResultSet rs = connection.createStatement().executeQuery("SHOW server_version")) {
            rs.next();
            version = rs.getString(1);
        }
        Map<Long, TableInfo> tables = new LinkedHashMap<>();
        try (ResultSet rs = connection.createStatement().executeQuery(TABLES)) {
            while (rs.next()) {
                long oid = rs.getLong(1);
                tables.put(
                        oid,
                        new TableInfo(
                                rs.getString(2),
                                rs.getString(3),
                                rs.getLong(4),
                                rs.getLong(5),
                                columns(connection, oid),
                                strings(connection, CONSTRAINTS, oid),
                                strings(connection, INDEXES, oid),
                                strings(connection, TRIGGERS, oid)));
            }
        }
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

    private static List<ColumnInfo> columns(Connection connection, long oid) throws SQLException {
        List<ColumnInfo> columns = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new ColumnInfo(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4)));
                }
            }
        }
        return columns;
    }

    private static List<String> strings(Connection connection, String sql, long oid) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }
}
