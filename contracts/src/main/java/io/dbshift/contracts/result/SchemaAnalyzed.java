package io.dbshift.contracts.result;

import io.dbshift.contracts.schema.AnalysisRisk;
import io.dbshift.contracts.schema.Finding;
import io.dbshift.contracts.schema.SchemaSnapshot;
import io.dbshift.contracts.schema.StatementAnalysis;
import java.util.List;

/**
 * The design phase's evidence: the target's current schema, every statement judged by replaying it on a scratch copy
 * of the target, the findings about whole scripts and the analysis's risk.
 */
public record SchemaAnalyzed(
        String commandId,
        String migrationId,
        String stepId,
        String target,
        SchemaSnapshot snapshot,
        List<StatementAnalysis> statements,
        List<Finding> findings,
        AnalysisRisk risk,
        List<String> alreadyApplied)
        implements StepResult {

    /** @param alreadyApplied versions the target's history records as applied: part of its schema, not replayed */
    public SchemaAnalyzed {
        findings = findings == null ? List.of() : List.copyOf(findings);
        alreadyApplied = alreadyApplied == null ? List.of() : List.copyOf(alreadyApplied);
    }
}
