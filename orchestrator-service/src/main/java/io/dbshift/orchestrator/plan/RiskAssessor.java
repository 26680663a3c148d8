package io.dbshift.orchestrator.plan;

import io.dbshift.contracts.request.BackfillSpec;
import io.dbshift.contracts.request.MigrationRequest;
import io.dbshift.contracts.schema.AnalysisRisk;
import io.dbshift.contracts.schema.ChangeClass;
import io.dbshift.contracts.schema.SchemaSnapshot;
import io.dbshift.contracts.schema.StatementAnalysis;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Risk from the design analysis and the target's table sizes. High: a breaking statement, or a
 * data-changing statement inside a script on a table of {@value #LARGE_TABLE_ROWS} rows or more
 * (one long transaction). Medium: such a statement on a smaller table, a batched backfill or a
 * blocking index build on a large table. Low: everything else.
 */
public final class RiskAssessor {
    /** Tables at least this large make row-touching work Medium risk. */
    public static final long LARGE_TABLE_ROWS = 100_000;

    private RiskAssessor() {}

    /**
     * @param analysed the analysis's own risk, judged from replaying the statements on a scratch copy of the target;
     *     when present it replaces the classification-based rules, and the backfills are added to it
     */
    public static Risk assess(
            MigrationRequest request,
            SchemaSnapshot snapshot,
            List<StatementAnalysis> statements,
            AnalysisRisk analysed) {
        if (analysed == null) {
            return assess(request, snapshot, statements);
        }
        Risk.Level level = Risk.Level.valueOf(analysed.level().toUpperCase(Locale.ROOT));
        List<String> reasons = new ArrayList<>(analysed.reasons());
        return backfills(request, snapshot, level, reasons);
    }

    public static Risk assess(MigrationRequest request, SchemaSnapshot snapshot, List<StatementAnalysis> statements) {
        Risk.Level level = Risk.Level.LOW;
        List<String> reasons = new ArrayList<>();
        for (StatementAnalysis s : statements) {
            String where = "version " + s.version() + " statement " + s.index();
            if (s.classification() == ChangeClass.BREAKING) {
                level = level.atLeast(Risk.Level.HIGH);
                reasons.add(where + " is breaking: " + s.reason());
            } else if (s.classification() == ChangeClass.DATA_MIGRATION) {
                long rows = s.tables().stream()
                        .mapToLong(t -> rows(snapshot, t))
                        .max()
                        .orElse(0);
                level = level.atLeast(rows >= LARGE_TABLE_ROWS ? Risk.Level.HIGH : Risk.Level.MEDIUM);
                reasons.add(where + " changes rows in the migration's transaction (" + s.reason() + ", ~" + rows
                        + " rows)");
            } else if (s.reason().contains("without CONCURRENTLY")
                    && s.tables().stream().anyMatch(t -> rows(snapshot, t) >= LARGE_TABLE_ROWS)) {
                level = level.atLeast(Risk.Level.MEDIUM);
                reasons.add(where + ": " + s.reason());
            }
        }
        if (statements.stream().allMatch(s -> s.classification() == ChangeClass.NON_BREAKING)) {
            reasons.add(0, "every schema change is non-breaking: old application code keeps working");
        }
        return backfills(request, snapshot, level, reasons);
    }

    private static Risk backfills(
            MigrationRequest request, SchemaSnapshot snapshot, Risk.Level level, List<String> reasons) {
        for (BackfillSpec b : request.backfills()) {
            long rows = rows(snapshot, b.table());
            if (rows >= LARGE_TABLE_ROWS) {
                level = level.atLeast(Risk.Level.MEDIUM);
                reasons.add("backfill of " + b.table() + " touches up to ~" + rows + " rows (in batches of "
                        + b.batchSizeOrDefault() + ")");
            } else {
                reasons.add("backfill of " + b.table() + " touches up to ~" + rows + " rows");
            }
        }
        if (!request.operations().isEmpty()) {
            // The scripts' changes may all be non-breaking; the operations are breaking ones, made without downtime.
            reasons.removeIf(r -> r.startsWith("every schema change is non-breaking")
                    || r.startsWith("every statement is non-breaking"));
            level = level.atLeast(Risk.Level.MEDIUM);
            for (var op : request.operations()) {
                reasons.add(op.describe() + " is a breaking change made without downtime: expand, backfill (~"
                        + rows(snapshot, op.table()) + " rows), switch, contract; the application must move to the"
                        + " new shape before the old one is removed, and a rollback is instant until then");
            }
        }
        return new Risk(level, reasons);
    }

    static long rows(SchemaSnapshot snapshot, String table) {
        if (snapshot == null) {
            return 0;
        }
        String name = table.toLowerCase(Locale.ROOT);
        String unqualified = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : name;
        return snapshot.tables().stream()
                .filter(t -> t.name().equals(unqualified) && (!name.contains(".") || name.startsWith(t.schema() + ".")))
                .mapToLong(t -> Math.max(0, t.rowEstimate())) // -1: never analysed
                .max()
                .orElse(0);
    }
}
