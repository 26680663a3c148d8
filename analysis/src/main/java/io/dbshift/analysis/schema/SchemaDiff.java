package io.dbshift.analysis.schema;

import io.dbshift.contracts.schema.SchemaSnapshot;
import io.dbshift.contracts.schema.SchemaSnapshot.ColumnInfo;
import io.dbshift.contracts.schema.SchemaSnapshot.TableInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What changed between two snapshots of one schema, per object: {@code + table orders}, {@code - column users.nick},
 * {@code ~ column users.email: character varying(100) → text}. Objects are matched by name; a rename shows as a drop
 * and an add (the analysis, which sees oids, names renames as such).
 */
public final class SchemaDiff {
    private SchemaDiff() {}

    /** One difference: {@code +} added, {@code -} removed, {@code ~} changed. */
    public record Entry(char sign, String kind, String object, String detail) {
        @Override
        public String toString() {
            return sign + " " + kind + " " + object + (detail == null ? "" : ": " + detail);
        }
    }

    public static List<Entry> between(SchemaSnapshot before, SchemaSnapshot after) {
        List<Entry> entries = new ArrayList<>();
        Map<String, TableInfo> old = byName(before.tables(), t -> SchemaMarkdown.qualified(t.schema(), t.name()));
        Map<String, TableInfo> now = byName(after.tables(), t -> SchemaMarkdown.qualified(t.schema(), t.name()));
        now.forEach((name, t) -> {
            TableInfo o = old.get(name);
            if (o == null) {
                entries.add(new Entry('+', "table", name, null));
            } else {
                table(name, o, t, entries);
            }
        });
        old.keySet().stream()
                .filter(n -> !now.containsKey(n))
                .forEach(n -> entries.add(new Entry('-', "table", n, null)));
        sets(
                "view",
                names(before.views(), v -> SchemaMarkdown.qualified(v.schema(), v.name()) + " " + v.definition()),
                names(after.views(), v -> SchemaMarkdown.qualified(v.schema(), v.name()) + " " + v.definition()),
                entries);
        sets(
                "sequence",
                names(before.sequences(), s -> SchemaMarkdown.qualified(s.schema(), s.name())),
                names(after.sequences(), s -> SchemaMarkdown.qualified(s.schema(), s.name())),
                entries);
        sets("function", before.functions(), after.functions(), entries);
        return entries;
    }

    private static void table(String name, TableInfo before, TableInfo after, List<Entry> entries) {
        Map<String, ColumnInfo> old = byName(before.columns(), ColumnInfo::name);
        Map<String, ColumnInfo> now = byName(after.columns(), ColumnInfo::name);
        now.forEach((column, c) -> {
            ColumnInfo o = old.get(column);
            String object = name + "." + column;
            if (o == null) {
                entries.add(new Entry('+', "column", object, c.type() + (c.nullable() ? "" : " NOT NULL")));
                return;
            }
            if (!o.type().equals(c.type())) {
                entries.add(new Entry('~', "column", object, o.type() + " → " + c.type()));
            }
            if (o.nullable() != c.nullable()) {
                entries.add(new Entry('~', "column", object, c.nullable() ? "now nullable" : "now NOT NULL"));
            }
            if (!Objects.equals(o.defaultValue(), c.defaultValue())) {
                entries.add(new Entry('~', "column", object, "default " + o.defaultValue() + " → " + c.defaultValue()));
            }
        });
        old.keySet().stream()
                .filter(c -> !now.containsKey(c))
                .forEach(c -> entries.add(new Entry('-', "column", name + "." + c, null)));
        sets("constraint on " + name, before.constraints(), after.constraints(), entries);
        sets("index on " + name, before.indexes(), after.indexes(), entries);
        sets("trigger on " + name, before.triggers(), after.triggers(), entries);
    }

    private static void sets(String kind, List<String> before, List<String> after, List<Entry> entries) {
        after.stream().filter(x -> !before.contains(x)).forEach(x -> entries.add(new Entry('+', kind, x, null)));
        before.stream().filter(x -> !after.contains(x)).forEach(x -> entries.add(new Entry('-', kind, x, null)));
    }

    private static <T> List<String> names(List<T> items, Function<T, String> name) {
        return items.stream().map(name).toList();
    }

    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
        Map<String, T> map = new LinkedHashMap<>();
        items.forEach(i -> map.put(name.apply(i), i));
        return map;
    }
}
