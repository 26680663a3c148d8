package io.dbshift.analysis.catalog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The user objects of one database as the catalog describes them, keyed by oid so that a rename is seen as a change of
 * the same object, not a drop and an add. Taken before and after each replayed statement; the difference is what the
 * statement really did.
 */
public record Catalog(
        Map<Long, Relation> relations,
        Map<String, Column> columns,
        Map<Long, Constraint> constraints,
        Map<Long, Index> indexes,
        Map<Long, Trigger> triggers,
        Map<Long, Function> functions,
        Map<Long, EnumType> enums) {

    /** Migration tools' own history tables are not part of the application's schema. */
    public static final String HISTORY_TABLES =
            "('dbshift_schema_history', 'dbshift_backfill_state', 'dbshift_reshape_state', 'flyway_schema_history', '__diesel_schema_migrations',"
                    + " '_prisma_migrations')";

    private static final String USER_NAMESPACE =
            "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
                    + " AND n.nspname NOT LIKE 'pg_temp%'";

    /** @param kind pg_class.relkind: r table, p partitioned table, v view, m materialized view, S sequence, f foreign */
    /** @param parent the partitioned table this one is a partition of; 0 when it is none */
    public record Relation(
            long oid,
            String schema,
            String name,
            char kind,
            long fileNode,
            char persistence,
            String definition,
            long parent) {
        public String qualified() {
            return schema.equals("public") ? name : schema + "." + name;
        }

        public boolean isTable() {
            return kind == 'r' || kind == 'p' || kind == 'm';
        }
    }

    public record Column(
            long relation,
            int number,
            String name,
            String type,
            boolean notNull,
            String defaultValue,
            boolean generated,
            boolean identity) {}

    /**
     * @param type pg_constraint.contype: p, u, f, c, x
     * @param columns the constrained columns by number ({@code conkey})
     * @param referenced for a foreign key, the table it points at; 0 otherwise
     * @param onDelete for a foreign key, {@code confdeltype}: a no action, r restrict, c cascade, n set null, d default
     */
    public record Constraint(
            long oid,
            long relation,
            String name,
            char type,
            boolean validated,
            String definition,
            List<Integer> columns,
            long referenced,
            char onDelete) {}

    public record Index(
            long oid, long relation, String name, boolean unique, boolean valid, long fileNode, String definition) {}

    public record Trigger(long oid, long relation, String name, String definition) {}

    public record Function(long oid, String signature, String bodyHash) {}

    public record EnumType(long oid, String name, String labels) {}

    public Optional<Relation> relation(long oid) {
        return Optional.ofNullable(relations.get(oid));
    }

    /** The qualified name of a relation or index, or {@code #oid} for one this catalog does not know. */
    public String nameOf(long oid) {
        Relation r = relations.get(oid);
        if (r != null) {
            return r.qualified();
        }
        Index i = indexes.get(oid);
        return i != null ? i.name() : "#" + oid;
    }

    private static List<Integer> numbers(String csv) {
        return csv.isEmpty()
                ? List.of()
                : java.util.Arrays.stream(csv.split(",")).map(Integer::valueOf).toList();
    }

    public static Catalog take(Connection connection) throws SQLException {
        Map<Long, Relation> relations = new LinkedHashMap<>();
        Map<Long, Index> indexes = new LinkedHashMap<>();
        try (Statement s = connection.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT c.oid, n.nspname, c.relname, c.relkind, c.relfilenode,"
                    + " c.relpersistence, CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,"
                    + " CASE WHEN c.relispartition THEN (SELECT inhparent FROM pg_inherits WHERE inhrelid = c.oid)"
                    + " ELSE 0 END FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND " + USER_NAMESPACE
                    + " AND c.relname NOT IN " + HISTORY_TABLES + " ORDER BY c.oid")) {
                while (rs.next()) {
                    relations.put(
                            rs.getLong(1),
                            new Relation(
                                    rs.getLong(1),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getString(4).charAt(0),
                                    rs.getLong(5),
                                    rs.getString(6).charAt(0),
                                    rs.getString(7),
                                    rs.getLong(8)));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT c.oid, i.indrelid, c.relname, i.indisunique, i.indisvalid,"
                    + " c.relfilenode, pg_get_indexdef(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_NAMESPACE + " ORDER BY c.oid")) {
                while (rs.next()) {
                    indexes.put(
                            rs.getLong(1),
                            new Index(
                                    rs.getLong(1),
                                    rs.getLong(2),
                                    rs.getString(3),
                                    rs.getBoolean(4),
                                    rs.getBoolean(5),
                                    rs.getLong(6),
                                    rs.getString(7)));
                }
            }
            indexes.values().removeIf(i -> !relations.containsKey(i.relation()));
            Map<String, Column> columns = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT a.attrelid, a.attnum, a.attname,"
                    + " format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),"
                    + " a.attgenerated <> '', a.attidentity <> '' FROM pg_attribute a"
                    + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                    + " WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND "
                    + USER_NAMESPACE + " ORDER BY a.attrelid, a.attnum")) {
                while (rs.next()) {
                    if (relations.containsKey(rs.getLong(1))) {
                        Column c = new Column(
                                rs.getLong(1),
                                rs.getInt(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getBoolean(5),
                                rs.getString(6),
                                rs.getBoolean(7),
                                rs.getBoolean(8));
                        columns.put(c.relation() + ":" + c.number(), c);
                    }
                }
            }
            Map<Long, Constraint> constraints = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT oid, conrelid, conname, contype, convalidated,"
                    + " pg_get_constraintdef(oid), coalesce(array_to_string(conkey, ','), ''), confrelid,"
                    + " coalesce(nullif(confdeltype, ' '), 'a') FROM pg_constraint WHERE conrelid <> 0 ORDER BY oid")) {
                while (rs.next()) {
                    if (relations.containsKey(rs.getLong(2))) {
                        constraints.put(
                                rs.getLong(1),
                                new Constraint(
                                        rs.getLong(1),
                                        rs.getLong(2),
                                        rs.getString(3),
                                        rs.getString(4).charAt(0),
                                        rs.getBoolean(5),
                                        rs.getString(6),
                                        numbers(rs.getString(7)),
                                        rs.getLong(8),
                                        rs.getString(9).charAt(0)));
                    }
                }
            }
            Map<Long, Trigger> triggers = new LinkedHashMap<>();
            try (ResultSet rs =
                    s.executeQuery("SELECT oid, tgrelid, tgname, pg_get_triggerdef(oid) || ' ' || tgenabled::text"
                            + " FROM pg_trigger WHERE NOT tgisinternal ORDER BY oid")) {
                while (rs.next()) {
                    if (relations.containsKey(rs.getLong(2))) {
                        triggers.put(
                                rs.getLong(1),
                                new Trigger(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4)));
                    }
                }
            }
            Map<Long, Function> functions = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT p.oid, n.nspname || '.' || p.proname || '('"
                    + " || pg_get_function_identity_arguments(p.oid) || ')', md5(coalesce(p.prosrc, ''))"
                    + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + USER_NAMESPACE
                    + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass"
                    + " AND d.objid = p.oid AND d.deptype = 'e')")) {
                while (rs.next()) {
                    functions.put(rs.getLong(1), new Function(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
            Map<Long, EnumType> enums = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT t.oid, n.nspname || '.' || t.typname,"
                    + " string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_type t"
                    + " JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid"
                    + " WHERE " + USER_NAMESPACE + " GROUP BY t.oid, n.nspname, t.typname")) {
                while (rs.next()) {
                    enums.put(rs.getLong(1), new EnumType(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
            return new Catalog(relations, columns, constraints, indexes, triggers, functions, enums);
        }
    }
}
