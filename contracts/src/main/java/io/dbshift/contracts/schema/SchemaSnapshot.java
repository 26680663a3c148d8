package io.dbshift.contracts.schema;

import java.time.Instant;
import java.util.List;

/** A target's schema at one moment: what the design phase documents. */
public record SchemaSnapshot(
        String serverVersion,
        Instant takenAt,
        List<TableInfo> tables,
        List<ViewInfo> views,
        List<SequenceInfo> sequences,
        List<String> functions) {

    public SchemaSnapshot {
        tables = tables == null ? List.of() : List.copyOf(tables);
        views = views == null ? List.of() : List.copyOf(views);
        sequences = sequences == null ? List.of() : List.copyOf(sequences);
        functions = functions == null ? List.of() : List.copyOf(functions);
    }

    public SchemaSnapshot(String serverVersion, Instant takenAt, List<TableInfo> tables) {
        this(serverVersion, takenAt, tables, null, null, null);
    }

    /**
     * @param rowEstimate the planner's estimate ({@code pg_class.reltuples}); -1 when never analysed
     * @param sizeBytes table, indexes and TOAST
     * @param constraints each as {@code name definition}, with {@code (not validated)} when added NOT VALID
     * @param indexes each as its definition, with {@code (INVALID)} when a concurrent build failed
     * @param triggers each as its definition, with {@code (disabled)} when disabled
     */
    public record TableInfo(
            String schema,
            String name,
            long rowEstimate,
            long sizeBytes,
            List<ColumnInfo> columns,
            List<String> constraints,
            List<String> indexes,
            List<String> triggers) {

        public TableInfo {
            columns = columns == null ? List.of() : List.copyOf(columns);
            constraints = constraints == null ? List.of() : List.copyOf(constraints);
            indexes = indexes == null ? List.of() : List.copyOf(indexes);
            triggers = triggers == null ? List.of() : List.copyOf(triggers);
        }

        public TableInfo(
                String schema,
                String name,
                long rowEstimate,
                long sizeBytes,
                List<ColumnInfo> columns,
                List<String> constraints,
                List<String> indexes) {
            this(schema, name, rowEstimate, sizeBytes, columns, constraints, indexes, null);
        }
    }

    public record ColumnInfo(String name, String type, boolean nullable, String defaultValue) {}

    public record ViewInfo(String schema, String name, boolean materialized, String definition) {}

    public record SequenceInfo(String schema, String name, String dataType, String ownedBy) {}
}
