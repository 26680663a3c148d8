package io.dbshift.orchestrator.workflow;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which risk levels need approval before production, and how many approvers. The requester never counts as one.
 *
 * @param levels risk levels, lower case ({@code high}); empty: no approval needed
 */
public record ApprovalPolicy(Set<String> levels, int approvers) {
    /** No approval for any migration. */
    public static final ApprovalPolicy NONE = new ApprovalPolicy(Set.of(), 0);

    private static final Set<String> KNOWN = Set.of("low", "medium", "high");

    /** @throws IllegalArgumentException for a level that is not Low, Medium, High or none: a typo must not turn approvals off */
    public ApprovalPolicy {
        levels = levels.stream()
                .map(level -> level.strip().toLowerCase(Locale.ROOT))
                .filter(level -> !level.isEmpty() && !level.equals("none"))
                .collect(Collectors.toUnmodifiableSet());
        for (String level : levels) {
            if (!KNOWN.contains(level)) {
                throw new IllegalArgumentException("dbshift.orchestrator.approval.required-for names \"" + level
                        + "\"; the risk levels are Low, Medium and High (or none)");
            }
        }
        approvers = Math.max(0, approvers);
    }

    /** Approvals a migration of this risk needs before production. */
    public int needed(String riskLevel) {
        return riskLevel != null && levels.contains(riskLevel.toLowerCase(Locale.ROOT)) ? approvers : 0;
    }
}
