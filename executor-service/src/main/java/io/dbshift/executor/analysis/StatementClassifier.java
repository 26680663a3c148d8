package io.dbshift.executor.analysis;

import io.dbshift.contracts.schema.ChangeClass;
import io.dbshift.contracts.schema.SchemaSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The first classification of a statement, after the workflow's table: non-breaking, breaking or
 * data migration, with the reason. It reads the statement's tokens (outside literals) and, for type
 * changes, the column's current type from the schema snapshot. It does not judge locks or rewrites.
 */
public final class StatementClassifier {
    private static final Set<String> DML = Set.of("INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "TRUNCATE");
    private static final Set<String> WIDE_TARGETS = Set.of("TEXT", "BIGINT", "INT8", "NUMERIC", "DECIMAL");

    private final SchemaSnapshot snapshot;

    public StatementClassifier(SchemaSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    /** The classification, its reason, and the tables the statement touches. */
    public record Classification(ChangeClass changeClass, String reason, List<String> tables) {}

    public Classification classify(String sql) {
        List<String> words = Tokens.words(sql);
        if (words.isEmpty()) {
            return new Classification(ChangeClass.NON_BREAKING, "empty statement", List.of());
        }
        String first = words.get(0);
        if (DML.contains(first) || (first.equals("WITH") && words.stream().anyMatch(DML::contains))) {
            return dml(words);
        }
        return switch (first) {
            case "CREATE" -> create(words);
            case "DROP" ->
                new Classification(
                        ChangeClass.BREAKING,
                        "drops " + object(words, 1) + ": old code that uses it fails",
                        tablesAfter(words, objectNameIndex(words, 1)));
            case "ALTER" ->
                words.size() > 1 && words.get(1).equals("TABLE")
                        ? alterTable(words)
                        : new Classification(ChangeClass.NON_BREAKING, "alters " + object(words, 1), List.of());
            default -> new Classification(ChangeClass.NON_BREAKING, first + " does not change tables", List.of());
        };
    }

    private Classification dml(List<String> words) {
        String verb = words.stream().filter(DML::contains).findFirst().orElse(words.get(0));
        String table = switch (verb) {
            case "INSERT", "MERGE" -> after(words, "INTO");
            case "UPDATE" -> after(words, "UPDATE");
            case "DELETE" -> after(words, "FROM");
            case "TRUNCATE" -> after(words, words.contains("TABLE") ? "TABLE" : "TRUNCATE");
            default -> after(words, verb);
        };
        String what = switch (verb) {
            case "UPDATE" -> "transforms existing rows";
            case "INSERT", "COPY" -> "adds rows";
            case "MERGE" -> "merges rows";
            default -> "removes rows";
        };
        String reason = what + (table == null ? "" : " of " + table) + "; on a large table prefer a batched backfill";
        return new Classification(ChangeClass.DATA_MIGRATION, reason, table == null ? List.of() : List.of(table));
    }

    private Classification create(List<String> words) {
        int i = 1;
        while (i < words.size()
                && Set.of("OR", "REPLACE", "UNIQUE", "TEMP", "TEMPORARY", "UNLOGGED", "MATERIALIZED")
                        .contains(words.get(i))) {
            i++;
        }
        String kind = i < words.size() ? words.get(i) : "?";
        if (kind.equals("INDEX")) {
            String table = after(words, "ON");
            boolean concurrently = words.contains("CONCURRENTLY");
            return new Classification(
                    ChangeClass.NON_BREAKING,
                    "adds an index"
                            + (concurrently
                                    ? " concurrently"
                                    : "; without CONCURRENTLY it blocks writes to " + table + " while it builds"),
                    table == null ? List.of() : List.of(table));
        }
        List<String> tables = kind.equals("TABLE") ? tablesAfter(words, objectNameIndex(words, i)) : List.of();
        return new Classification(ChangeClass.NON_BREAKING, "adds a " + kind.toLowerCase(Locale.ROOT), tables);
    }

    private Classification alterTable(List<String> words) {
        int nameAt = objectNameIndex(words, 1);
        String table = nameAt < words.size() ? words.get(nameAt).toLowerCase(Locale.ROOT) : "?";
        List<List<String>> actions =
                Tokens.splitTopLevel(words.subList(Math.min(nameAt + 1, words.size()), words.size()));
        List<String> reasons = new ArrayList<>();
        ChangeClass worst = ChangeClass.NON_BREAKING;
        for (List<String> action : actions) {
            Classification c = alterAction(table, action);
            reasons.add(c.reason());
            if (c.changeClass() == ChangeClass.BREAKING) {
                worst = ChangeClass.BREAKING;
            }
        }
        return new Classification(worst, String.join("; ", reasons), List.of(table));
    }

    private Classification alterAction(String table, List<String> a) {
        if (a.isEmpty()) {
            return new Classification(ChangeClass.NON_BREAKING, "no action", List.of());
        }
        String verb = a.get(0);
        // ADD CONSTRAINT / PRIMARY KEY / ... is a table constraint; ADD [COLUMN] x ... CHECK (...) is a column.
        boolean constraint = a.size() > 1
                && Set.of("CONSTRAINT", "PRIMARY", "FOREIGN", "CHECK", "UNIQUE", "EXCLUDE")
                        .contains(a.get(1));
        if (verb.equals("ADD") && !constraint) {
            String column = columnName(a, 1);
            boolean notNull = Tokens.containsSequence(a, "NOT", "NULL");
            boolean hasDefault = a.contains("DEFAULT") || a.contains("GENERATED");
            if (notNull && !hasDefault) {
                return breaking("adds NOT NULL column " + column
                        + " without a default: old code that inserts rows without it fails");
            }
            return nonBreaking("adds column " + column + (notNull ? " (NOT NULL with a default)" : " (nullable)"));
        }
        if (verb.equals("ADD")) {
            return breaking("adds a constraint to " + table + ": old code that writes rows violating it fails"
                    + (a.contains("VALID") ? "" : "; add it NOT VALID, then VALIDATE"));
        }
        if (verb.equals("VALIDATE")) {
            return nonBreaking(
                    "validates a constraint added NOT VALID: rows already written are checked, new writes were checked already");
        }
        if (verb.equals("DROP")) {
            if (a.size() > 1 && a.get(1).equals("CONSTRAINT")) {
                return nonBreaking("drops a constraint");
            }
            return breaking("drops column " + columnName(a, 1) + ": old code that reads or writes it fails");
        }
        if (verb.equals("RENAME")) {
            return breaking(
                    "renames " + (a.contains("TO") && a.size() == 3 ? "table " + table : "column " + columnName(a, 1))
                            + ": old code that uses the old name fails; use expand, backfill, contract");
        }
        if (verb.equals("ALTER")) {
            String column = columnName(a, 1);
            int typeAt = typeKeywordAfterColumn(a);
            if (typeAt == a.size()) {
                return breaking(
                        "changes the type of " + column + " but names no type; treated as breaking until reviewed");
            }
            if (typeAt > 0) {
                String newType = a.get(typeAt);
                // numeric(p, s) may be narrower than the integer it replaces; only an unconstrained type widens for
                // sure.
                boolean constrained = typeAt + 1 < a.size() && a.get(typeAt + 1).equals("(");
                return (constrained ? Optional.<String>empty() : widening(table, column, newType))
                        .map(old -> nonBreaking(
                                "widens " + column + " from " + old + " to " + newType.toLowerCase(Locale.ROOT)))
                        .orElseGet(() ->
                                breaking("changes the type of " + column + " to " + newType.toLowerCase(Locale.ROOT)
                                        + ": old code may read or write values it cannot handle"));
            }
            if (Tokens.containsSequence(a, "SET", "NOT", "NULL")) {
                return breaking("makes " + column + " NOT NULL: old code that writes NULL fails");
            }
            return nonBreaking("alters column " + column);
        }
        return breaking(verb.toLowerCase(Locale.ROOT) + " on " + table
                + " is not recognised by the first classification; treated as breaking until reviewed");
    }

    /**
     * The index of the new type in {@code ALTER [COLUMN] name [SET DATA] TYPE new}, or -1. The keyword is looked
     * for after the column's name, so a column called "type" is not mistaken for it.
     */
    private static int typeKeywordAfterColumn(List<String> a) {
        int i = 1;
        while (i < a.size() && Set.of("COLUMN", "IF", "EXISTS").contains(a.get(i))) {
            i++;
        }
        int afterName = i + 1;
        if (afterName < a.size() && a.get(afterName).equals("TYPE")) {
            return afterName + 1;
        }
        if (afterName + 2 < a.size()
                && a.get(afterName).equals("SET")
                && a.get(afterName + 1).equals("DATA")
                && a.get(afterName + 2).equals("TYPE")) {
            return afterName + 3;
        }
        return -1;
    }

    /** The current type when {@code newType} is a known widening of it. */
    private Optional<String> widening(String table, String column, String newType) {
        if (snapshot == null) {
            return Optional.empty();
        }
        String target = newType.toUpperCase(Locale.ROOT);
        return snapshot.tables().stream()
                .filter(t -> t.name().equalsIgnoreCase(unqualified(table)))
                .flatMap(t -> t.columns().stream())
                .filter(c -> c.name().equalsIgnoreCase(column))
                .map(SchemaSnapshot.ColumnInfo::type)
                .filter(old -> isWidening(old.toLowerCase(Locale.ROOT), target))
                .findFirst();
    }

    private static boolean isWidening(String old, String target) {
        if (!WIDE_TARGETS.contains(target)) {
            return false;
        }
        return switch (target) {
            case "TEXT" -> old.startsWith("character varying") || old.startsWith("varchar");
            case "BIGINT", "INT8" -> old.equals("integer") || old.equals("smallint");
            case "NUMERIC", "DECIMAL" -> old.equals("integer") || old.equals("smallint") || old.equals("bigint");
            default -> false;
        };
    }

    private static Classification breaking(String reason) {
        return new Classification(ChangeClass.BREAKING, reason, List.of());
    }

    private static Classification nonBreaking(String reason) {
        return new Classification(ChangeClass.NON_BREAKING, reason, List.of());
    }

    private static String columnName(List<String> action, int from) {
        int i = from;
        while (i < action.size() && Set.of("COLUMN", "IF", "NOT", "EXISTS").contains(action.get(i))) {
            i++;
        }
        return i < action.size() ? action.get(i).toLowerCase(Locale.ROOT) : "?";
    }

    /** Index of the object name after {@code ALTER TABLE}/{@code DROP TABLE}, skipping IF [NOT] EXISTS and ONLY. */
    private static int objectNameIndex(List<String> words, int kindAt) {
        int i = kindAt + 1;
        while (i < words.size()
                && Set.of("IF", "NOT", "EXISTS", "ONLY", "CONCURRENTLY").contains(words.get(i))) {
            i++;
        }
        return i;
    }

    private static String object(List<String> words, int kindAt) {
        String kind = kindAt < words.size() ? words.get(kindAt).toLowerCase(Locale.ROOT) : "?";
        int nameAt = objectNameIndex(words, kindAt);
        return kind + (nameAt < words.size() ? " " + words.get(nameAt).toLowerCase(Locale.ROOT) : "");
    }

    private static List<String> tablesAfter(List<String> words, int at) {
        return at < words.size() ? List.of(words.get(at).toLowerCase(Locale.ROOT)) : List.of();
    }

    private static String after(List<String> words, String keyword) {
        int i = words.indexOf(keyword);
        while (i >= 0 && i + 1 < words.size() && Set.of("ONLY", "TABLE").contains(words.get(i + 1))) {
            i++;
        }
        return i >= 0 && i + 1 < words.size() ? words.get(i + 1).toLowerCase(Locale.ROOT) : null;
    }

    private static String unqualified(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }
}
