package io.dbshift.analysis.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;

/**
 * What a statement is: its kind, from its leading keywords, and, from JSqlParser's parse tree, whether it changes rows
 * (the verb and the table it writes). What it does to the database is measured by replaying it, so a statement the
 * parser does not know is still judged.
 *
 * @param kind {@code ALTER TABLE}, {@code CREATE UNIQUE INDEX}, {@code UPDATE}, ...
 * @param dataChange {@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code MERGE}, {@code TRUNCATE} or {@code COPY};
 *     null for anything else
 * @param table for a data change or an index, the table it names (as written)
 * @param parsed the SQL parser understood the statement
 * @param serverWide it acts on the whole server, not the database: roles, role membership, databases, tablespaces,
 *     system settings
 */
public record Shape(
        String kind, String dataChange, String table, boolean parsed, boolean transactionControl, boolean serverWide) {
    private static final Set<String> OBJECT_PREFIXES = Set.of(
            "OR",
            "REPLACE",
            "UNIQUE",
            "TEMP",
            "TEMPORARY",
            "UNLOGGED",
            "MATERIALIZED",
            "GLOBAL",
            "LOCAL",
            "RECURSIVE",
            "CONSTRAINT",
            "DEFAULT",
            "TRUSTED",
            "PROCEDURAL",
            "FOREIGN");
    private static final Set<String> TRANSACTION_CONTROL =
            Set.of("BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE");

    public static Shape of(String sql) {
        List<String> words = Words.of(sql);
        String kind = kind(words);
        boolean control = !words.isEmpty() && TRANSACTION_CONTROL.contains(words.get(0));
        boolean wide = serverWide(words);
        Optional<net.sf.jsqlparser.statement.Statement> tree = parse(sql);
        if (tree.isEmpty()) {
            String first = words.isEmpty() ? "" : words.get(0);
            // COPY ... FROM is the one data change the SQL parser does not model; it is named by its keyword.
            return new Shape(kind, first.equals("COPY") ? "COPY" : null, null, false, control, wide);
        }
        net.sf.jsqlparser.statement.Statement t = tree.get();
        if (t instanceof Insert i) {
            return new Shape(kind, "INSERT", name(i.getTable()), true, false, wide);
        } else if (t instanceof Update u) {
            return new Shape(kind, "UPDATE", name(u.getTable()), true, false, wide);
        } else if (t instanceof Delete d) {
            return new Shape(kind, "DELETE", name(d.getTable()), true, false, wide);
        } else if (t instanceof Merge m) {
            return new Shape(kind, "MERGE", name(m.getTable()), true, false, wide);
        } else if (t instanceof Truncate tr) {
            return new Shape(kind, "TRUNCATE", name(tr.getTable()), true, false, wide);
        } else if (t instanceof CreateIndex c) {
            return new Shape(kind, null, name(c.getTable()), true, false, wide);
        }
        return new Shape(kind, null, null, true, control, wide);
    }

    private static final Set<String> SERVER_OBJECTS =
            Set.of("ROLE", "USER", "GROUP", "DATABASE", "TABLESPACE", "SYSTEM");

    /**
     * CREATE / ALTER / DROP ROLE, USER, GROUP, DATABASE, TABLESPACE; ALTER SYSTEM; GRANT or REVOKE of a role (no ON:
     * membership, kept in a catalog shared by every database). CREATE USER MAPPING belongs to one database.
     */
    static boolean serverWide(List<String> words) {
        if (words.size() < 2) {
            return false;
        }
        String verb = words.get(0);
        if (Set.of("CREATE", "ALTER", "DROP").contains(verb)) {
            return SERVER_OBJECTS.contains(words.get(1))
                    && !(words.size() > 2 && words.get(2).equals("MAPPING"));
        }
        if (Set.of("GRANT", "REVOKE").contains(verb)) {
            return !words.contains("ON") && (words.contains("TO") || words.contains("FROM"));
        }
        return false;
    }

    public boolean isDataChange() {
        return dataChange != null;
    }

    private static Optional<net.sf.jsqlparser.statement.Statement> parse(String sql) {
        try {
            return Optional.ofNullable(CCJSqlParserUtil.parse(sql, parser -> parser.withTimeOut(5_000)))
                    .filter(s -> !(s instanceof net.sf.jsqlparser.statement.UnsupportedStatement));
        } catch (Exception | StackOverflowError e) {
            return Optional.empty();
        }
    }

    private static String name(Table table) {
        return table == null ? null : table.getFullyQualifiedName().replace("\"", "");
    }

    /** The leading keywords up to the kind of object: {@code CREATE UNIQUE INDEX}, {@code ALTER TABLE}, ... */
    private static String kind(List<String> words) {
        if (words.isEmpty()) {
            return "EMPTY";
        }
        String verb = words.get(0);
        if (!Set.of("CREATE", "ALTER", "DROP", "COMMENT").contains(verb)) {
            return verb.equals("WITH") ? dataChangeAfterWith(words) : verb;
        }
        List<String> kept = new ArrayList<>(List.of(verb));
        int i = 1;
        while (i < words.size() && OBJECT_PREFIXES.contains(words.get(i))) {
            kept.add(words.get(i++));
        }
        if (i < words.size()) {
            kept.add(words.get(i));
            // ALTER TABLE, DROP INDEX ... and two-word objects: MATERIALIZED VIEW is covered above; EVENT TRIGGER,
            // ACCESS METHOD and the like keep their second word.
            if (Set.of("EVENT", "ACCESS", "TEXT", "DATA").contains(words.get(i)) && i + 1 < words.size()) {
                kept.add(words.get(i + 1));
            }
        }
        return String.join(" ", kept).toUpperCase(Locale.ROOT);
    }

    private static String dataChangeAfterWith(List<String> words) {
        return words.stream()
                .filter(w -> Set.of("INSERT", "UPDATE", "DELETE", "MERGE").contains(w))
                .reduce((a, b) -> b)
                .orElse("SELECT");
    }
}
