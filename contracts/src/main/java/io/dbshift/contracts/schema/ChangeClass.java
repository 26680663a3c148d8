package io.dbshift.contracts.schema;

/** The workflow's migration types. */
public enum ChangeClass {
    /** Old application code keeps working: add a nullable column, a table, an index, widen a type. */
    NON_BREAKING,
    /** Old application code may fail: drop or rename a column or table, change a type. */
    BREAKING,
    /** Changes rows, not shape: backfill, transform, merge or split. */
    DATA_MIGRATION
}
