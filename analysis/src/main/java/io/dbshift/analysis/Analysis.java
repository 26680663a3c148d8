package io.dbshift.analysis;

import io.dbshift.contracts.schema.AnalysisRisk;
import io.dbshift.contracts.schema.Finding;
import io.dbshift.contracts.schema.StatementAnalysis;
import java.util.List;

/**
 * The analysis of a migration: every statement judged, the findings about whole scripts, and the risk.
 *
 * @param server the PostgreSQL version the statements were replayed on (the target's own)
 * @param against what the scratch copy was made from: the target's URL without its password, a schema file, or
 *     {@code empty database}
 * @param alreadyApplied versions the target's migration history records as applied: part of its schema, not replayed
 * @param millis how long the analysis took, scratch database included
 */
public record Analysis(
        String server,
        String against,
        int scripts,
        List<StatementAnalysis> statements,
        List<Finding> findings,
        AnalysisRisk risk,
        List<String> alreadyApplied,
        long millis) {}
