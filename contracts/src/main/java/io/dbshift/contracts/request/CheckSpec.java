package io.dbshift.contracts.request;

/**
 * One integrity check. Exactly one of {@code sql}, {@code orphans} or {@code rowCount} is set.
 *
 * @param name what the check proves, e.g. {@code every user has an avatar}
 * @param sql a query returning one number
 * @param expect for {@code sql}: the number expected; for {@code rowCount}: {@code unchanged}
 *     (equal to the pre-migration baseline) or a number
 * @param orphans rows of a child table whose reference points nowhere; expected none
 * @param rowCount a table whose row count is compared
 */
public record CheckSpec(String name, String sql, String expect, OrphanSpec orphans, String rowCount) {

    public static final String UNCHANGED = "unchanged";

    /** The name shown in reports: the given name or one derived from the check. */
    public String displayName() {
        if (name != null && !name.isBlank()) {
            return name;
        }
        if (orphans != null) {
            return "no orphaned rows in " + orphans.table() + "." + orphans.column();
        }
        if (rowCount != null) {
            return "row count of " + rowCount + " " + (expect == null ? UNCHANGED : expect);
        }
        return sql;
    }

    /**
     * @param table the child table
     * @param column its referencing column
     * @param references {@code parent_table.column}
     */
    public record OrphanSpec(String table, String column, String references) {}
}
