package io.dbshift.contracts.request;

import java.util.List;

/**
 * A breaking change carried out without downtime: dbshift expands the table to hold the new shape beside the old one,
 * keeps both in sync with triggers while both versions of the application write, backfills the new shape, waits for the
 * application to switch, and only then removes the old shape (contract). Field names are the wire format, documented in
 * docs/expand-contract.md.
 *
 * @param op {@code rename-column}, {@code change-type}, {@code set-not-null}, {@code drop-column} or
 *     {@code split-column}
 * @param table the table, optionally schema-qualified ({@code public.users})
 * @param column the column the operation changes
 * @param to {@code rename-column}: the new name
 * @param type {@code change-type}: the new type, e.g. {@code bigint}
 * @param up an SQL expression over {@code column} for the new shape: {@code change-type}, how an old value becomes a new
 *     one (default a cast); {@code set-not-null}, the value for a row where the column is NULL (required)
 * @param down an SQL expression for the old shape, written while the old application still reads it:
 *     {@code change-type}, how a new value becomes an old one (default a cast); {@code split-column}, the old value
 *     from the new columns (required); {@code drop-column}, the old column's value in a row the new application inserts
 *     without it (required when the column is NOT NULL without a default)
 * @param into {@code split-column}: the new columns, each with its type and its {@code up} expression over
 *     {@code column}
 */
public record SchemaOperation(
        String op, String table, String column, String to, String type, String up, String down, List<NewColumn> into) {

    /** One column a {@code split-column} creates. */
    public record NewColumn(String name, String type, String up) {}

    public static final List<String> OPS =
            List.of("rename-column", "change-type", "set-not-null", "drop-column", "split-column");

    public static SchemaOperation renameColumn(String table, String column, String to) {
        return new SchemaOperation("rename-column", table, column, to, null, null, null, null);
    }

    public static SchemaOperation changeType(String table, String column, String type) {
        return new SchemaOperation("change-type", table, column, null, type, null, null, null);
    }

    public static SchemaOperation setNotNull(String table, String column, String up) {
        return new SchemaOperation("set-not-null", table, column, null, null, up, null, null);
    }

    public static SchemaOperation dropColumn(String table, String column, String down) {
        return new SchemaOperation("drop-column", table, column, null, null, null, down, null);
    }

    public static SchemaOperation splitColumn(String table, String column, List<NewColumn> into, String down) {
        return new SchemaOperation("split-column", table, column, null, null, null, down, into);
    }

    public List<NewColumn> intoOrEmpty() {
        return into == null ? List.of() : into;
    }

    /** One line for plans and logs, e.g. {@code rename-column users.bid -> branch_id}. */
    public String describe() {
        return switch (op == null ? "" : op) {
            case "rename-column" -> op + " " + table + "." + column + " -> " + to;
            case "change-type" -> op + " " + table + "." + column + " -> " + type;
            case "split-column" ->
                op + " " + table + "." + column + " -> "
                        + String.join(
                                ", ",
                                intoOrEmpty().stream().map(NewColumn::name).toList());
            default -> op + " " + table + "." + column;
        };
    }
}
