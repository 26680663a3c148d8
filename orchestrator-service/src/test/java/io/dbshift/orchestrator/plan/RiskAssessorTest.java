package io.dbshift.orchestrator.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dbshift.contracts.request.BackfillSpec;
import io.dbshift.contracts.request.MigrationRequest;
import io.dbshift.contracts.schema.AnalysisRisk;
import io.dbshift.contracts.schema.SchemaSnapshot;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RiskAssessorTest {
    static final SchemaSnapshot SNAPSHOT = new SchemaSnapshot(
            "15",
            Instant.EPOCH,
            List.of(new SchemaSnapshot.TableInfo("public", "users", 500_000, 1 << 26, null, null, null)));

    static MigrationRequest request(List<BackfillSpec> backfills) {
        return new MigrationRequest("m", "production", "staging", null, "ana", List.of(), backfills, List.of(), null);
    }

    @Test
    void theAnalysisDecidesAndALargeBackfillCanOnlyRaiseIt() {
        Risk high = RiskAssessor.assess(
                request(List.of()),
                SNAPSHOT,
                List.of(),
                new AnalysisRisk("High", List.of("statement 1 rewrites users")));
        assertEquals(Risk.Level.HIGH, high.level());
        assertEquals(List.of("statement 1 rewrites users"), high.reasons());

        Risk raised = RiskAssessor.assess(
                request(List.of(new BackfillSpec("users", "id", "nick = name", null, null))),
                SNAPSHOT,
                List.of(),
                new AnalysisRisk("Low", List.of("every statement is non-breaking")));
        assertEquals(Risk.Level.MEDIUM, raised.level());
        assertEquals(2, raised.reasons().size(), raised.reasons().toString());
    }
}
