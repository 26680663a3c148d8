package io.dbshift.analysis.catalog;

/**
 * One difference between the catalog before and after a statement.
 *
 * @param relation the table (or view, sequence) the change belongs to; 0 for functions and types
 * @param object what changed, by name ({@code users}, {@code users.email}, {@code users_email_key})
 * @param before the old value where one changed (a name, a type, a definition)
 * @param after the new value
 * @param column the column concerned, as it is after the change (before it, for a drop)
 * @param constraint the constraint concerned
 * @param index the index concerned
 */
public record Change(
        What what,
        long relation,
        String object,
        String before,
        String after,
        Catalog.Column column,
        Catalog.Constraint constraint,
        Catalog.Index index) {

    public enum What {
        RELATION_ADDED,
        RELATION_DROPPED,
        RELATION_RENAMED,
        VIEW_CHANGED,
        PERSISTENCE_CHANGED,
        PARTITION_ATTACHED,
        PARTITION_DETACHED,
        COLUMN_ADDED,
        COLUMN_DROPPED,
        COLUMN_RENAMED,
        COLUMN_TYPE_CHANGED,
        NOT_NULL_ADDED,
        NOT_NULL_DROPPED,
        DEFAULT_CHANGED,
        CONSTRAINT_ADDED,
        CONSTRAINT_VALIDATED,
        CONSTRAINT_DROPPED,
        CONSTRAINT_RENAMED,
        INDEX_ADDED,
        INDEX_DROPPED,
        INDEX_RENAMED,
        INDEX_REBUILT,
        TRIGGER_ADDED,
        TRIGGER_DROPPED,
        TRIGGER_CHANGED,
        FUNCTION_ADDED,
        FUNCTION_DROPPED,
        FUNCTION_CHANGED,
        TYPE_ADDED,
        TYPE_DROPPED,
        TYPE_CHANGED
    }

    static Change of(What what, long relation, String object, String before, String after) {
        return new Change(what, relation, object, before, after, null, null, null);
    }

    @Override
    public String toString() {
        return what + " " + object + (before == null && after == null ? "" : " (" + before + " → " + after + ")");
    }
}
