package io.dbshift.analysis.judge;

import io.dbshift.contracts.schema.AnalysisRisk;
import io.dbshift.contracts.schema.ChangeClass;
import io.dbshift.contracts.schema.Finding;
import io.dbshift.contracts.schema.StatementAnalysis;
import io.dbshift.contracts.schema.TableLock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The migration's risk from its statements and the target's tables. High: an unsafe statement breaks old code, or
 * blocks the application for a second or more (or for a time the target's size cannot bound). Medium: a shorter
 * unsafe statement, a constraint tightened the safe way, a large table's rows changed, a script-level finding, or a
 * blocking lock taken with no lock_timeout on a table in use. Low: everything else.
 */
public final class RiskRules {
    /** A blocking lock held at least this long makes a migration High risk. */
    public static final double HIGH_BLOCKING_SECONDS = 1.0;

    public static final long LARGE_TABLE_ROWS = 100_000;

    private RiskRules() {}

    public static AnalysisRisk assess(
            List<StatementAnalysis> statements, List<Finding> findings, Map<String, TableStats> stats) {
        int level = 0;
        List<String> reasons = new ArrayList<>();
        for (StatementAnalysis s : statements) {
            String where = "version " + s.version() + " statement " + s.index();
            double blocking = 0;
            boolean unknown = false;
            boolean rowLocks = s.classification() == ChangeClass.DATA_MIGRATION && s.unsafe();
            for (TableLock l : s.locks()) {
                if (rowLocks || !l.blocks().equals("nothing") && (l.rewrite() || l.scan())) {
                    if (l.estimatedSeconds() == null) {
                        unknown = true;
                    } else {
                        blocking = Math.max(blocking, l.estimatedSeconds());
                    }
                }
            }
            if (s.unsafe() && s.classification() == ChangeClass.BREAKING) {
                level = Math.max(level, 2);
                reasons.add(where + " breaks old code: " + String.join("; ", s.breaks()));
            } else if (s.unsafe() && (blocking >= HIGH_BLOCKING_SECONDS || unknown)) {
                level = Math.max(level, 2);
                reasons.add(where + " blocks the application "
                        + (unknown ? "for a time the table's size decides" : "for ~" + Seconds.format(blocking)) + ": "
                        + s.reason());
            } else if (s.unsafe()) {
                level = Math.max(level, 1);
                reasons.add(where + " is unsafe, though short on this target (~" + Seconds.format(blocking) + "): "
                        + s.reason());
            } else if (s.classification() == ChangeClass.BREAKING) {
                level = Math.max(level, 1);
                reasons.add(where + " tightens a constraint: " + s.reason());
            } else if (s.classification() == ChangeClass.DATA_MIGRATION) {
                long rows = s.tables().stream()
                        .map(stats::get)
                        .filter(t -> t != null)
                        .mapToLong(TableStats::rowsOrGuess)
                        .max()
                        .orElse(0);
                if (rows >= LARGE_TABLE_ROWS) {
                    level = Math.max(level, 1);
                    reasons.add(where + " changes rows of a table of ~" + rows + " rows");
                }
            }
        }
        for (Finding f : findings) {
            if (!f.code().equals("no-lock-timeout")) {
                level = Math.max(level, 1);
                reasons.add(f.message());
            }
        }
        boolean busy = statements.stream()
                .flatMap(s -> s.locks().stream())
                .filter(l -> !l.blocks().equals("nothing"))
                .map(l -> stats.get(l.table()))
                .anyMatch(t -> t != null && (t.writes() > 0 || t.reads() > 0));
        if (busy && findings.stream().anyMatch(f -> f.code().equals("no-lock-timeout"))) {
            level = Math.max(level, 1);
            reasons.add("blocking locks on tables in use are taken with no lock_timeout");
        }
        if (reasons.isEmpty()) {
            reasons.add("every statement is non-breaking and takes its locks only briefly");
        }
        return new AnalysisRisk(List.of("Low", "Medium", "High").get(level), reasons);
    }
}
