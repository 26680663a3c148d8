package io.dbshift.executor.analysis;

import io.dbshift.contracts.request.MigrationScript;
import io.dbshift.contracts.schema.SchemaSnapshot;
import io.dbshift.contracts.schema.StatementAnalysis;
import java.util.ArrayList;
import java.util.List;

/** Lists every statement of every script with its classification. */
public final class MigrationAnalyzer {
    private MigrationAnalyzer() {}

    public static List<StatementAnalysis> analyze(SchemaSnapshot snapshot, List<MigrationScript> scripts) {
        StatementClassifier classifier = new StatementClassifier(snapshot);
        List<StatementAnalysis> analyses = new ArrayList<>();
        for (MigrationScript script : scripts) {
            for (SqlStatement statement : StatementSplitter.split(script.up())) {
                StatementClassifier.Classification c = classifier.classify(statement.sql());
                analyses.add(new StatementAnalysis(
                        script.version(),
                        statement.index(),
                        statement.line(),
                        statement.sql(),
                        c.changeClass(),
                        c.reason(),
                        c.tables()));
            }
        }
        return analyses;
    }
}
