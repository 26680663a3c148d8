package io.dbshift.contracts.result;

import io.dbshift.contracts.schema.SchemaSnapshot;
import io.dbshift.contracts.schema.StatementAnalysis;
import java.util.List;

/** The design phase's evidence: the target's current schema and every statement classified. */
public record SchemaAnalyzed(
        String commandId,
        String migrationId,
        String stepId,
        String target,
        SchemaSnapshot snapshot,
        List<StatementAnalysis> statements)
        implements StepResult {}
