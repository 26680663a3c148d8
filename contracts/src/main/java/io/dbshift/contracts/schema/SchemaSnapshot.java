package io.dbshift.contracts.schema;

import java.time.Instant;
import java.util.List;

/** A target's schema at one moment: what the design phase documents. */
public record SchemaSnapshot(String serverVersion, Instant takenAt, List<TableInfo> tables) {

    /**
     * @param rowEstimate the planner's estimate ({@code pg_class.reltuples})
     * @param sizeBytes table, indexes and TOAST
     */
    public record TableInfo(
            String schema,
            String name,
            long rowEstimate,
            long sizeBytes,
            List<ColumnInfo> columns,
            List<String> constraints,
            List<String> indexes) {}

    public record ColumnInfo(String name, String type, boolean nullable, String defaultValue) {}
}
