package io.dbshift.contracts.schema;

import java.util.List;

/** The analysis's risk level for a migration (Low, Medium or High) and why. */
public record AnalysisRisk(String level, List<String> reasons) {
    public AnalysisRisk {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }
}
