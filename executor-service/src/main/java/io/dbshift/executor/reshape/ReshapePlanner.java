package io.dbshift.executor.reshape;

import io.dbshift.contracts.Identifiers;
import io.dbshift.contracts.request.BackfillSpec;
import io.dbshift.contracts.request.SchemaOperation;
import io.dbshift.contracts.request.SchemaOperation.NewColumn;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns a breaking change into the SQL of its stages, from the table as the catalog has it before the change. The new
 * shape lives beside the old one; a BEFORE trigger keeps them in sync in both directions: a row the old application
 * writes gets its new columns computed by {@code up}, a row the new application writes gets its old column computed
 * by {@code down}. Both expressions are wrapped in SQL functions whose parameters carry the column names, so the same
 * expression serves the trigger and the backfill.
 */
public final class ReshapePlanner {
    private ReshapePlanner() {}

    /** A column as the catalog has it. */
    record Column(
            String name,
            String type,
            boolean notNull,
            String defaultExpr,
            boolean identity,
            boolean generated,
            boolean collated,
            String base) {}

    /**
     * The plan for {@code op} on the table as it is now.
     *
     * @param id what names this operation's triggers and functions, stable for the migration (e.g. its id and the
     *     operation's index)
     * @throws IllegalArgumentException naming what is wrong and what to do, when the operation cannot be carried out
     *     this way
     */
    public static ReshapePlan plan(Connection connection, SchemaOperation op, String id) throws SQLException {
        if (op.op() == null || !SchemaOperation.OPS.contains(op.op())) {
            throw new IllegalArgumentException(
                    "unknown operation \"" + op.op() + "\": use one of " + String.join(", ", SchemaOperation.OPS));
        }
        if (op.table() == null || op.column() == null) {
            throw new IllegalArgumentException(op.op() + " needs \"table\" and \"column\"");
        }
        String table = Identifiers.quote(op.table());
        String oid = regclass(connection, op.table());
        Column column = column(connection, oid, op.table(), op.column());
        if (column.identity() || column.generated()) {
            throw new IllegalArgumentException("column " + op.table() + "." + op.column() + " is "
                    + (column.identity() ? "an identity" : "a generated") + " column, which " + op.op()
                    + " cannot keep in sync; change it with a plain migration script in a maintenance window");
        }
        if (!op.op().equals("drop-column")) {
            comparable(connection, op, column.base());
        }
        String tag = tag(id);
        String schema = schemaOf(connection, oid);
        // The backfill walks the primary key; drop-column has no backfill and needs none.
        List<String> key = op.op().equals("drop-column") ? List.of() : primaryKey(connection, oid, op.table());
        Names names = new Names(schema, tag);
        return switch (op.op()) {
            case "rename-column" -> rename(connection, oid, op, table, column, key, names);
            case "change-type" -> changeType(connection, oid, op, table, column, key, names);
            case "set-not-null" -> setNotNull(connection, oid, op, table, column, key, names);
            case "drop-column" -> dropColumn(connection, oid, op, table, column, names);
            default -> split(connection, oid, op, table, column, key, names);
        };
    }

    /** Names of the helper objects of one operation, all starting {@code _dbshift_<tag>}. */
    record Names(String schema, String tag) {
        String function(String suffix) {
            return Identifiers.quote(schema) + "." + Identifiers.quote("_dbshift_" + tag + "_" + suffix);
        }

        String trigger() {
            return Identifiers.quote("_dbshift_" + tag + "_sync");
        }

        String check() {
            return Identifiers.quote("_dbshift_" + tag + "_not_null");
        }
    }

    private static ReshapePlan rename(
            Connection connection,
            String oid,
            SchemaOperation op,
            String table,
            Column column,
            List<String> key,
            Names names)
            throws SQLException {
        if (op.to() == null || op.to().isBlank()) {
            throw new IllegalArgumentException(
                    "rename-column of " + op.table() + "." + op.column() + " needs \"to\", the new name");
        }
        refuseExisting(connection, oid, op.table(), op.to());
        refuseConstrained(connection, oid, op, column);
        Sync sync = new Sync(
                names,
                table,
                column,
                List.of(new Target(op.to(), op.to(), column.base(), q(column.name()))),
                q(op.to()));
        List<String[]> indexes = indexes(connection, oid, op, column.name(), op.to(), names);
        List<String> expand =
                new ArrayList<>(List.of("ALTER TABLE " + table + " ADD COLUMN " + q(op.to()) + " " + column.type()));
        expand.addAll(sync.create());
        List<String> validate = new ArrayList<>();
        List<String> contract = new ArrayList<>();
        contract.addAll(sync.drop());
        if (column.notNull()) {
            expand.add(notNullCheck(table, names, op.to()));
            validate.add("ALTER TABLE " + table + " VALIDATE CONSTRAINT " + names.check());
            contract.add("ALTER TABLE " + table + " ALTER COLUMN " + q(op.to()) + " SET NOT NULL");
            contract.add("ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS " + names.check());
        }
        String sequence = ownedSequence(connection, op.table(), column.name());
        if (sequence != null) {
            contract.add("ALTER SEQUENCE " + sequence + " OWNED BY " + table + "." + q(op.to()));
        }
        if (column.defaultExpr() != null) {
            contract.add(
                    "ALTER TABLE " + table + " ALTER COLUMN " + q(op.to()) + " SET DEFAULT " + column.defaultExpr());
        }
        contract.add("ALTER TABLE " + table + " DROP COLUMN " + q(column.name()));
        indexes.forEach(i -> contract.add("ALTER INDEX " + i[1] + " RENAME TO " + q(i[2])));
        List<String> rollback = new ArrayList<>(sync.drop());
        indexes.forEach(i -> rollback.add("DROP INDEX IF EXISTS " + i[1]));
        rollback.add("ALTER TABLE " + table + " DROP COLUMN IF EXISTS " + q(op.to()));
        return new ReshapePlan(
                op.describe(),
                table,
                expand,
                sync.backfill(op.table(), key),
                indexes.stream().map(i -> i[0]).toList(),
                validate,
                List.of(),
                contract,
                rollback,
                rollback,
                List.of(column.name()),
                List.of(op.to()));
    }

    private static ReshapePlan changeType(
            Connection connection,
            String oid,
            SchemaOperation op,
            String table,
            Column column,
            List<String> key,
            Names names)
            throws SQLException {
        if (op.type() == null || op.type().isBlank()) {
            throw new IllegalArgumentException(
                    "change-type of " + op.table() + "." + op.column() + " needs \"type\", the new type");
        }
        refuseConstrained(connection, oid, op, column);
        String shadow = "_dbshift_new_" + column.name();
        String old = "_dbshift_old_" + column.name();
        refuseExisting(connection, oid, op.table(), shadow);
        // Casts name the type without its length or precision: an explicit cast to varchar(5) would cut a longer value
        // without a word, where storing it in the column refuses it.
        String newBase = baseType(connection, op.type());
        comparable(connection, op, newBase);
        String up = op.up() == null || op.up().isBlank() ? q(column.name()) + "::" + newBase : op.up();
        String down = op.down() == null || op.down().isBlank() ? q(column.name()) + "::" + column.base() : op.down();
        List<String[]> indexes = indexes(connection, oid, op, column.name(), shadow, names);
        // Before the switch the application's name is the old column; at the switch the names swap in one short
        // transaction, and the trigger follows them.
        Column renamedOld = new Column(old, column.type(), false, null, false, false, false, column.base());
        Sync before = new Sync(names, table, column, List.of(new Target(shadow, column.name(), newBase, up)), down);
        Sync after = new Sync(
                names, table, renamedOld, List.of(new Target(column.name(), column.name(), newBase, up)), down);
        List<String> expand =
                new ArrayList<>(List.of("ALTER TABLE " + table + " ADD COLUMN " + q(shadow) + " " + op.type()));
        expand.addAll(before.create());
        List<String> validate = new ArrayList<>();
        List<String> switchOver = new ArrayList<>(List.of(
                "ALTER TABLE " + table + " RENAME COLUMN " + q(column.name()) + " TO " + q(old),
                "ALTER TABLE " + table + " RENAME COLUMN " + q(shadow) + " TO " + q(column.name())));
        List<String> back = new ArrayList<>(List.of(
                "ALTER TABLE " + table + " RENAME COLUMN " + q(column.name()) + " TO " + q(shadow),
                "ALTER TABLE " + table + " RENAME COLUMN " + q(old) + " TO " + q(column.name())));
        // The old column keeps its default and NOT NULL (the trigger fills it from every write), so putting the names
        // back needs neither a scan nor a default of its own.
        if (column.defaultExpr() != null) {
            switchOver.add("ALTER TABLE " + table + " ALTER COLUMN " + q(column.name()) + " SET DEFAULT "
                    + column.defaultExpr());
        }
        if (column.notNull()) {
            expand.add(notNullCheck(table, names, shadow));
            validate.add("ALTER TABLE " + table + " VALIDATE CONSTRAINT " + names.check());
            // SET NOT NULL finds the validated check and does not scan the table.
            switchOver.add("ALTER TABLE " + table + " ALTER COLUMN " + q(column.name()) + " SET NOT NULL");
        }
        switchOver.addAll(after.create());
        back.addAll(before.create());
        String sequence = ownedSequence(connection, op.table(), column.name());
        List<String> contract = new ArrayList<>(after.drop());
        if (sequence != null) {
            contract.add("ALTER SEQUENCE " + sequence + " OWNED BY " + table + "." + q(column.name()));
        }
        contract.add("ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS " + names.check());
        contract.add("ALTER TABLE " + table + " DROP COLUMN " + q(old));
        indexes.forEach(i -> contract.add("ALTER INDEX " + i[1] + " RENAME TO " + q(i[2])));
        List<String> rollback = new ArrayList<>(before.drop());
        indexes.forEach(i -> rollback.add("DROP INDEX IF EXISTS " + i[1]));
        rollback.add("ALTER TABLE " + table + " DROP COLUMN IF EXISTS " + q(shadow));
        List<String> rollbackAfterSwitch = new ArrayList<>(back);
        rollbackAfterSwitch.addAll(rollback);
        return new ReshapePlan(
                op.describe(),
                table,
                expand,
                before.backfill(op.table(), key),
                indexes.stream().map(i -> i[0]).toList(),
                validate,
                switchOver,
                contract,
                rollback,
                rollbackAfterSwitch,
                List.of(column.name() + " " + column.type()),
                List.of(column.name() + " " + op.type()));
    }

    private static ReshapePlan setNotNull(
            Connection connection,
            String oid,
            SchemaOperation op,
            String table,
            Column column,
            List<String> key,
            Names names) {
        if (column.notNull()) {
            throw new IllegalArgumentException("column " + op.table() + "." + op.column() + " is NOT NULL already");
        }
        if (op.up() == null || op.up().isBlank()) {
            throw new IllegalArgumentException("set-not-null of " + op.table() + "." + op.column() + " needs \"up\","
                    + " the value for rows where it is NULL, e.g. \"coalesce(" + op.column() + ", '')\"");
        }
        String c = q(column.name());
        String fill = names.function("up");
        List<String> expand = List.of(
                "CREATE FUNCTION " + fill + "(" + c + " " + column.base() + ") RETURNS " + column.base()
                        + " LANGUAGE sql AS $dbshift$ SELECT (" + op.up() + ")::" + column.base() + " $dbshift$",
                // The old application may still write NULL: the row gets the value instead, so the check holds.
                "CREATE FUNCTION " + names.function("sync") + "() RETURNS trigger LANGUAGE plpgsql AS $dbshift$"
                        + " BEGIN IF NEW." + c + " IS NULL THEN NEW." + c + " := " + fill + "(NEW." + c + "); END IF;"
                        + " RETURN NEW; END $dbshift$",
                "CREATE TRIGGER " + names.trigger() + " BEFORE INSERT OR UPDATE ON " + table
                        + " FOR EACH ROW EXECUTE FUNCTION " + names.function("sync") + "()",
                notNullCheck(table, names, column.name()));
        List<String> drop = List.of(
                "DROP TRIGGER IF EXISTS " + names.trigger() + " ON " + table,
                "DROP FUNCTION IF EXISTS " + names.function("sync") + "()",
                "DROP FUNCTION IF EXISTS " + fill + "(" + column.base() + ")");
        List<String> contract = new ArrayList<>(List.of(
                "ALTER TABLE " + table + " ALTER COLUMN " + c + " SET NOT NULL",
                "ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS " + names.check()));
        contract.addAll(drop);
        List<String> rollback =
                new ArrayList<>(List.of("ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS " + names.check()));
        rollback.addAll(drop);
        return new ReshapePlan(
                op.describe(),
                table,
                expand,
                new BackfillSpec(
                        op.table(), String.join(",", key), c + " = " + fill + "(" + c + ")", c + " IS NULL", null),
                List.of(),
                List.of("ALTER TABLE " + table + " VALIDATE CONSTRAINT " + names.check()),
                List.of(),
                contract,
                rollback,
                rollback,
                List.of(column.name() + " (NULL allowed)"),
                List.of(column.name() + " NOT NULL"));
    }

    private static ReshapePlan dropColumn(
            Connection connection, String oid, SchemaOperation op, String table, Column column, Names names)
            throws SQLException {
        refuseReferenced(connection, oid, op, column);
        String c = q(column.name());
        List<String> expand = new ArrayList<>();
        List<String> drop = new ArrayList<>();
        boolean hasDown = op.down() != null && !op.down().isBlank();
        if (column.notNull() && column.defaultExpr() == null && !hasDown) {
            throw new IllegalArgumentException("drop-column of " + op.table() + "." + op.column() + ": the column is"
                    + " NOT NULL without a default, so rows the new application inserts without it would fail; give"
                    + " \"down\", the value to store in it until it is dropped");
        }
        List<String> unique = constraints(connection, oid, column.name(), "c.contype IN ('u', 'x')");
        if (hasDown && !unique.isEmpty()) {
            throw new IllegalArgumentException("drop-column of " + op.table() + "." + op.column() + ": "
                    + String.join(", ", unique) + " would refuse a second row that gets \"down\"; drop it first");
        }
        if (hasDown) {
            // Rows the new application inserts without the column get "down", so the old one still reads them.
            expand.add("CREATE FUNCTION " + names.function("sync") + "() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $dbshift$ BEGIN IF NEW." + c + " IS NULL THEN NEW." + c + " := (" + op.down() + ")::"
                    + column.base() + "; END IF; RETURN NEW; END $dbshift$");
            expand.add("CREATE TRIGGER " + names.trigger() + " BEFORE INSERT ON " + table
                    + " FOR EACH ROW EXECUTE FUNCTION " + names.function("sync") + "()");
            drop.add("DROP TRIGGER IF EXISTS " + names.trigger() + " ON " + table);
            drop.add("DROP FUNCTION IF EXISTS " + names.function("sync") + "()");
        }
        List<String> contract = new ArrayList<>(drop);
        contract.add("ALTER TABLE " + table + " DROP COLUMN " + c);
        return new ReshapePlan(
                op.describe(),
                table,
                expand,
                null,
                List.of(),
                List.of(),
                List.of(),
                contract,
                drop,
                drop,
                List.of(column.name()),
                List.of());
    }

    private static ReshapePlan split(
            Connection connection,
            String oid,
            SchemaOperation op,
            String table,
            Column column,
            List<String> key,
            Names names)
            throws SQLException {
        if (op.intoOrEmpty().isEmpty() || op.down() == null || op.down().isBlank()) {
            throw new IllegalArgumentException("split-column of " + op.table() + "." + op.column() + " needs \"into\","
                    + " the new columns each with its name, type and up expression over " + op.column() + ", and"
                    + " \"down\", the old value from the new columns");
        }
        refuseReferenced(connection, oid, op, column);
        List<Target> targets = new ArrayList<>();
        List<String> expand = new ArrayList<>();
        for (NewColumn n : op.intoOrEmpty()) {
            if (n.name() == null || n.type() == null || n.up() == null) {
                throw new IllegalArgumentException("split-column of " + op.table() + "." + op.column() + ": every"
                        + " column in \"into\" needs \"name\", \"type\" and \"up\"");
            }
            refuseExisting(connection, oid, op.table(), n.name());
            String base = baseType(connection, n.type());
            comparable(connection, op, base);
            targets.add(new Target(n.name(), n.name(), base, n.up()));
            expand.add("ALTER TABLE " + table + " ADD COLUMN " + q(n.name()) + " " + n.type());
        }
        Sync sync = new Sync(names, table, column, targets, op.down());
        expand.addAll(sync.create());
        List<String> contract = new ArrayList<>(sync.drop());
        contract.add("ALTER TABLE " + table + " DROP COLUMN " + q(column.name()));
        List<String> rollback = new ArrayList<>(sync.drop());
        op.intoOrEmpty().forEach(n -> rollback.add("ALTER TABLE " + table + " DROP COLUMN IF EXISTS " + q(n.name())));
        return new ReshapePlan(
                op.describe(),
                table,
                expand,
                sync.backfill(op.table(), key),
                List.of(),
                List.of(),
                List.of(),
                contract,
                rollback,
                rollback,
                List.of(column.name()),
                op.intoOrEmpty().stream().map(NewColumn::name).toList());
    }

    /** A column of the new shape: its name in the table, the name {@code down} calls it by, its type without length. */
    record Target(String physical, String logical, String type, String up) {}

    /**
     * The two-way sync between one old column and the new shape's columns. On INSERT: a row with every new column NULL
     * came from the old application and gets them from {@code up}; any other row gets its old column from
     * {@code down}. On UPDATE: a changed old column recomputes the new ones; changed new columns recompute the old one,
     * unless they are exactly what {@code up} gives (the backfill's own writes), so a lossy {@code down} never
     * rewrites old data that nobody changed; a row whose new columns are all NULL (not reached by the backfill yet)
     * gets them computed whatever the update changed.
     */
    record Sync(Names names, String table, Column old, List<Target> targets, String down) {
        List<String> create() {
            List<String> sql = new ArrayList<>();
            String o = q(old.name());
            String oldParam = q(logicalOld()) + " " + old.base();
            for (int i = 0; i < targets.size(); i++) {
                Target t = targets.get(i);
                sql.add("CREATE OR REPLACE FUNCTION " + names.function("up" + i) + "(" + oldParam + ") RETURNS "
                        + t.type() + " LANGUAGE sql AS $dbshift$ SELECT (" + t.up() + ")::" + t.type() + " $dbshift$");
            }
            sql.add("CREATE OR REPLACE FUNCTION " + names.function("down") + "("
                    + String.join(
                            ", ",
                            targets.stream()
                                    .map(t -> q(t.logical()) + " " + t.type())
                                    .toList())
                    + ") RETURNS " + old.base() + " LANGUAGE sql AS $dbshift$ SELECT (" + down + ")::" + old.base()
                    + " $dbshift$");
            List<String> newValues =
                    targets.stream().map(t -> "NEW." + q(t.physical())).toList();
            List<String> oldValues =
                    targets.stream().map(t -> "OLD." + q(t.physical())).toList();
            List<String> ups = new ArrayList<>();
            StringBuilder computeNew = new StringBuilder();
            for (int i = 0; i < targets.size(); i++) {
                String up = names.function("up" + i) + "(NEW." + o + ")";
                ups.add(up);
                computeNew
                        .append(" NEW.")
                        .append(q(targets.get(i).physical()))
                        .append(" := ")
                        .append(up)
                        .append(';');
            }
            String computeOld =
                    " NEW." + o + " := " + names.function("down") + "(" + String.join(", ", newValues) + ");";
            sql.add("CREATE OR REPLACE FUNCTION " + names.function("sync") + "() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $dbshift$ BEGIN"
                    + " IF TG_OP = 'INSERT' THEN"
                    + "  IF "
                    + String.join(
                            " AND ", newValues.stream().map(v -> v + " IS NULL").toList()) + " THEN"
                    + computeNew + " ELSE" + computeOld + " END IF;"
                    + " ELSIF NEW." + o + " IS DISTINCT FROM OLD." + o + " THEN" + computeNew
                    + " ELSIF ROW(" + String.join(", ", newValues) + ") IS DISTINCT FROM ROW("
                    + String.join(", ", oldValues) + ") AND ROW(" + String.join(", ", newValues)
                    + ") IS DISTINCT FROM ROW(" + String.join(", ", ups) + ") THEN" + computeOld
                    // A row the backfill has not reached yet, updated in other columns: its new shape is filled now,
                    // or the new shape's NOT NULL check would refuse the update.
                    + " ELSIF "
                    + String.join(
                            " AND ", newValues.stream().map(v -> v + " IS NULL").toList()) + " THEN"
                    + computeNew
                    + " END IF; RETURN NEW; END $dbshift$");
            sql.add("DROP TRIGGER IF EXISTS " + names.trigger() + " ON " + table);
            sql.add("CREATE TRIGGER " + names.trigger() + " BEFORE INSERT OR UPDATE ON " + table
                    + " FOR EACH ROW EXECUTE FUNCTION " + names.function("sync") + "()");
            return sql;
        }

        /** The name {@code up} calls the old value by: the application's name for it, whatever the table calls it. */
        private String logicalOld() {
            return old.name().startsWith("_dbshift_old_") ? old.name().substring("_dbshift_old_".length()) : old.name();
        }

        List<String> drop() {
            List<String> sql = new ArrayList<>(List.of(
                    "DROP TRIGGER IF EXISTS " + names.trigger() + " ON " + table,
                    "DROP FUNCTION IF EXISTS " + names.function("sync") + "()",
                    "DROP FUNCTION IF EXISTS " + names.function("down") + "("
                            + String.join(
                                    ", ", targets.stream().map(Target::type).toList()) + ")"));
            for (int i = 0; i < targets.size(); i++) {
                sql.add("DROP FUNCTION IF EXISTS " + names.function("up" + i) + "(" + old.base() + ")");
            }
            return sql;
        }

        /** Fill the new columns of every row whose new shape is not what {@code up} gives. */
        BackfillSpec backfill(String tableName, List<String> key) {
            String o = q(old.name());
            List<String> sets = new ArrayList<>();
            List<String> have = new ArrayList<>();
            List<String> want = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                String up = names.function("up" + i) + "(" + o + ")";
                sets.add(q(targets.get(i).physical()) + " = " + up);
                have.add(q(targets.get(i).physical()));
                want.add(up);
            }
            return new BackfillSpec(
                    tableName,
                    String.join(",", key),
                    String.join(", ", sets),
                    "ROW(" + String.join(", ", have) + ") IS DISTINCT FROM ROW(" + String.join(", ", want) + ")",
                    null);
        }
    }

    private static String notNullCheck(String table, Names names, String column) {
        // NOT VALID: existing rows are not scanned now (VALIDATE does that later without blocking writes), new ones
        // are checked at once.
        return "ALTER TABLE " + table + " ADD CONSTRAINT " + names.check() + " CHECK (" + q(column)
                + " IS NOT NULL) NOT VALID";
    }

    static String q(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** A short, stable name part from the operation's id. */
    static String tag(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String regclass(Connection connection, String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT to_regclass(?)::oid::text")) {
            ps.setString(1, Identifiers.quote(table));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getString(1) == null) {
                    throw new IllegalArgumentException("table " + table + " does not exist on "
                            + connection.getCatalog() + "; name it as the catalog does, e.g. public.users");
                }
                return rs.getString(1);
            }
        }
    }

    private static String schemaOf(Connection connection, String oid) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ?::oid")) {
            ps.setString(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    static Column column(Connection connection, String oid, String table, String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),"
                        + " a.attidentity <> '', a.attgenerated <> '',"
                        + " a.attcollation <> 0 AND a.attcollation <> (SELECT typcollation FROM pg_type WHERE oid ="
                        + " a.atttypid), format_type(a.atttypid, NULL)"
                        + " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                        + " WHERE a.attrelid = ?::oid AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped")) {
            ps.setString(1, oid);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("table " + table + " has no column " + name);
                }
                return new Column(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getBoolean(3),
                        rs.getString(4),
                        rs.getBoolean(5),
                        rs.getBoolean(6),
                        rs.getBoolean(7),
                        rs.getString(8));
            }
        }
    }

    /**
     * The sync trigger compares old and new values with IS DISTINCT FROM; a type without equality (json, xml, point)
     * would make every update of the table fail from expand on.
     */
    private static void comparable(Connection connection, SchemaOperation op, String type) throws SQLException {
        try (java.sql.Statement s = connection.createStatement()) {
            s.execute("SELECT NULL::" + type + " IS DISTINCT FROM NULL::" + type);
        } catch (SQLException e) {
            throw new IllegalArgumentException(op.op() + " of " + op.table() + "." + op.column() + ": type " + type
                    + " has no equality, which the sync trigger needs to tell a changed value; change the column's"
                    + " type first (json to jsonb), or make the change in a maintenance window");
        }
    }

    /** {@code varchar(5)} as {@code character varying}: the type a cast and a function signature should name. */
    static String baseType(Connection connection, String type) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT format_type(to_regtype(?), NULL)")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getString(1) == null) {
                    throw new IllegalArgumentException(
                            "type " + type + " does not exist on " + connection.getCatalog());
                }
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalArgumentException("\"" + type + "\" is not a type PostgreSQL knows: " + e.getMessage(), e);
        }
    }

    private static void refuseExisting(Connection connection, String oid, String table, String name)
            throws SQLException {
        String sql = "SELECT attname FROM pg_attribute WHERE attrelid = ?::oid AND attname = ? AND attnum > 0 AND NOT"
                + " attisdropped";
        if (!aboutColumn(connection, oid, name, sql).isEmpty()) {
            throw new IllegalArgumentException("table " + table + " already has a column " + name
                    + "; choose another name, or drop that column first");
        }
    }

    private static List<String> primaryKey(Connection connection, String oid, String table) throws SQLException {
        List<String> key = strings(
                connection,
                "SELECT a.attname FROM pg_index i, unnest(i.indkey) WITH ORDINALITY k(attnum, n)"
                        + " JOIN pg_attribute a ON a.attnum = k.attnum"
                        + " WHERE i.indrelid = ?::oid AND i.indisprimary AND a.attrelid = i.indrelid ORDER BY k.n",
                oid);
        if (key.isEmpty()) {
            throw new IllegalArgumentException(
                    "table " + table + " has no primary key, which the backfill walks by;" + " add one first");
        }
        return key;
    }

    /**
     * Constraints other than NOT NULL on the column (primary key, unique, foreign key, check) and views over it: the
     * new column would need them too, and this engine does not carry them over. The message names them.
     */
    private static void refuseConstrained(Connection connection, String oid, SchemaOperation op, Column column)
            throws SQLException {
        List<String> found = new ArrayList<>();
        if (column.collated()) {
            // The new column is declared by its type alone; a COLLATE of its own would be lost.
            found.add("the column's own collation");
        }
        found.addAll(constraints(connection, oid, column.name(), "c.contype <> 'n'"));
        found.addAll(views(connection, oid, column.name()));
        found.addAll(dependents(connection, oid, column.name()));
        if (!found.isEmpty()) {
            throw new IllegalArgumentException(op.op() + " of " + op.table() + "." + op.column() + " cannot keep "
                    + String.join(", ", found) + " across the change; drop or move it in a migration script first, or"
                    + " make the change in a maintenance window");
        }
    }

    /** A primary key over the column, foreign keys pointing at it and views over it stop it being dropped at contract. */
    private static void refuseReferenced(Connection connection, String oid, SchemaOperation op, Column column)
            throws SQLException {
        List<String> found = new ArrayList<>(constraints(connection, oid, column.name(), "c.contype = 'p'"));
        found.addAll(views(connection, oid, column.name()));
        found.addAll(dependents(connection, oid, column.name()));
        if (!found.isEmpty()) {
            throw new IllegalArgumentException(op.op() + " of " + op.table() + "." + op.column() + ": "
                    + String.join(", ", found) + " depends on the column; drop or change it first");
        }
    }

    /**
     * The constraints of the table over the column that match {@code ownKind} (an SQL condition on {@code c.contype}),
     * and every foreign key that references the column, each as "kind name".
     */
    private static List<String> constraints(Connection connection, String oid, String column, String ownKind)
            throws SQLException {
        return aboutColumn(
                connection,
                oid,
                column,
                "SELECT CASE c.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique constraint' WHEN 'f' THEN"
                        + " 'foreign key' WHEN 'c' THEN 'check constraint' WHEN 'x' THEN 'exclusion constraint' ELSE"
                        + " 'constraint' END || ' ' || c.conname FROM pg_constraint c JOIN pg_attribute a ON"
                        + " a.attrelid = ?::oid AND a.attname = ? WHERE (c.conrelid = a.attrelid AND a.attnum = ANY"
                        + " (c.conkey) AND " + ownKind
                        + ") OR (c.confrelid = a.attrelid AND a.attnum = ANY (c.confkey))");
    }

    /**
     * Other objects that would stop the column being dropped at contract: a generated column computed from it, a row
     * security policy, a trigger (UPDATE OF it, or a WHEN over it), extended statistics.
     */
    private static List<String> dependents(Connection connection, String oid, String column) throws SQLException {
        return aboutColumn(
                connection,
                oid,
                column,
                "SELECT DISTINCT pg_describe_object(d.classid, d.objid, d.objsubid) FROM pg_depend d"
                        + " JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                        + " WHERE d.refobjid = ?::oid AND a.attname = ? AND d.deptype IN ('n', 'a') AND ("
                        + " (d.classid = 'pg_class'::regclass AND d.objid = d.refobjid AND d.objsubid <> d.refobjsubid)"
                        // A generated column's expression is kept as its default, which depends on the column.
                        + " OR (d.classid = 'pg_attrdef'::regclass AND EXISTS (SELECT 1 FROM pg_attrdef ad"
                        + " WHERE ad.oid = d.objid AND ad.adnum <> d.refobjsubid))"
                        + " OR d.classid IN ('pg_policy'::regclass, 'pg_trigger'::regclass,"
                        + " 'pg_statistic_ext'::regclass))");
    }

    private static List<String> views(Connection connection, String oid, String column) throws SQLException {
        return aboutColumn(
                connection,
                oid,
                column,
                "SELECT DISTINCT 'view ' || v.oid::regclass::text FROM pg_depend d JOIN pg_rewrite r ON r.oid ="
                        + " d.objid JOIN pg_class v ON v.oid = r.ev_class JOIN pg_attribute a ON a.attrelid ="
                        + " d.refobjid AND a.attnum = d.refobjsubid WHERE d.refobjid = ?::oid AND a.attname = ? AND"
                        + " v.oid <> d.refobjid");
    }

    /** The first column of a query about the table ({@code ?::oid}) and a column of it ({@code ?}), as text. */
    private static List<String> aboutColumn(Connection connection, String oid, String column, String sql)
            throws SQLException {
        return strings(connection, sql, oid, column);
    }

    /** The first column of every row a catalog query returns, its parameters given as text. */
    static List<String> strings(Connection connection, String sql, String... params) throws SQLException {
        List<String> found = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        return found;
    }

    /**
     * The indexes over the column, to be built again over the new one: each as {CREATE INDEX CONCURRENTLY ..., the new
     * index's quoted name, the old index's name}. Expression and partial indexes are refused with their names.
     */
    private static List<String[]> indexes(
            Connection connection, String oid, SchemaOperation op, String column, String newColumn, Names names)
            throws SQLException {
        List<String[]> indexes = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT c.relname, i.indisunique, am.amname, i.indexprs IS NOT NULL OR i.indpred IS NOT NULL"
                        // What a rebuild from names alone would lose: INCLUDE columns, DESC or NULLS FIRST, a
                        // non-default operator class or collation, storage parameters.
                        + " OR i.indnkeyatts <> i.indnatts OR 0 <> ANY (i.indoption::int2[]) OR c.reloptions IS NOT NULL"
                        + " OR EXISTS (SELECT 1 FROM unnest(i.indclass::oid[]) oc JOIN pg_opclass o ON o.oid = oc"
                        + "  WHERE NOT o.opcdefault) OR EXISTS (SELECT 1 FROM unnest(i.indcollation::oid[]) co"
                        + "  WHERE co <> 0 AND co <> 100),"
                        + " (SELECT array_agg(a2.attname ORDER BY k.n) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)"
                        + "  JOIN pg_attribute a2 ON a2.attrelid = i.indrelid AND a2.attnum = k.attnum)::text[]"
                        + " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam"
                        + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = ?"
                        + " WHERE i.indrelid = ?::oid AND (a.attnum = ANY (i.indkey::int2[]) OR EXISTS (SELECT 1 FROM"
                        + " pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid"
                        + " AND d.refobjid = i.indrelid AND d.refobjsubid = a.attnum))")) {
            ps.setString(1, column);
            ps.setString(2, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    if (rs.getBoolean(4)) {
                        throw new IllegalArgumentException(op.op() + " of " + op.table() + "." + op.column()
                                + ": index " + name + " has an expression, a predicate, INCLUDE columns, an ordering,"
                                + " an operator class, a collation or storage parameters of its own, which this engine"
                                + " does not rebuild; drop it first and create it again after the change");
                    }
                    List<String> columns = new ArrayList<>();
                    for (String c : (String[]) rs.getArray(5).getArray()) {
                        columns.add(q(c.equals(column) ? newColumn : c));
                    }
                    // Named by the operation, so two operations never build under one name; qualified where it is
                    // renamed or dropped, since the table's schema need not be on the search path.
                    String created = "_dbshift_" + names.tag() + "_i" + indexes.size();
                    String newName = Identifiers.quote(names.schema()) + "." + q(created);
                    indexes.add(new String[] {
                        "CREATE " + (rs.getBoolean(2) ? "UNIQUE " : "") + "INDEX CONCURRENTLY IF NOT EXISTS "
                                + q(created)
                                + " ON " + Identifiers.quote(op.table()) + " USING " + rs.getString(3) + " ("
                                + String.join(", ", columns) + ")",
                        newName,
                        name
                    });
                }
            }
        }
        return indexes;
    }

    private static String ownedSequence(Connection connection, String table, String column) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_get_serial_sequence(?, ?)")) {
            ps.setString(1, Identifiers.quote(table));
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
