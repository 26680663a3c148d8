package io.dbshift.orchestrator.report;

import io.dbshift.contracts.Phase;
import io.dbshift.contracts.result.BackfillCompleted.BackfillFigures;
import io.dbshift.contracts.result.ChecksCompleted.CheckResult;
import io.dbshift.orchestrator.workflow.Checkpoints;
import io.dbshift.orchestrator.workflow.Evidence;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The results report of a migration, as Markdown: outcome, checkpoints with evidence, steps, checks. */
public final class ReportDocument {
    private ReportDocument() {}

    public static String render(
            String id,
            String name,
            String target,
            String staging,
            Phase phase,
            Evidence evidence,
            Instant createdAt,
            Instant finishedAt) {
        StringBuilder md = new StringBuilder();
        md.append("# Migration report: ").append(name).append("\n\n");
        md.append("- **Id:** ").append(id).append("\n");
        md.append("- **Status:** ").append(phase).append("\n");
        md.append("- **Target:** ")
                .append(target)
                .append(" (rehearsed on ")
                .append(staging)
                .append(")\n");
        md.append("- **Risk level:** ")
                .append(evidence.riskLevel == null ? "not assessed yet" : evidence.riskLevel)
                .append("\n");
        md.append("- **Started:** ").append(createdAt).append("\n");
        if (finishedAt != null) {
            md.append("- **Finished:** ")
                    .append(finishedAt)
                    .append(" (")
                    .append(Duration.between(createdAt, finishedAt).toMillis() / 1000.0)
                    .append(" s)\n");
        }
        if (evidence.failure != null) {
            md.append("\n## Failure\n\n```\n").append(evidence.failure).append("\n```\n");
        }
        md.append("\n## Checkpoints\n\n");
        for (String checkpoint : List.of(
                Checkpoints.MIGRATION_REHEARSED,
                Checkpoints.DATA_INTEGRITY_CHECKS_PASSING,
                Checkpoints.BACKUP_VERIFIED,
                Checkpoints.ROLLBACK_TESTED,
                Checkpoints.TEAM_NOTIFIED)) {
            Evidence.Checkpoint c = evidence.checkpoints.get(checkpoint);
            if (c == null) {
                md.append("- [ ] ").append(checkpoint).append(" — no evidence collected\n");
            } else {
                md.append("- [x] ")
                        .append(checkpoint)
                        .append(" — reached ")
                        .append(c.reachedAt())
                        .append("; evidence: ")
                        .append(c.evidence())
                        .append("\n");
            }
        }
        if (evidence.irreversibleAccepted != null) {
            md.append("\n**Accepted as irreversible** by ")
                    .append(evidence.irreversibleAccepted.get("acceptedBy"))
                    .append(": ")
                    .append(evidence.irreversibleAccepted.get("reason"))
                    .append(". The rollback rehearsal found: ")
                    .append(evidence.irreversibleAccepted.get("finding"))
                    .append(".\n");
        }
        md.append("\n## Steps\n\n| step | target | status | duration | summary |\n|---|---|---|---|---|\n");
        for (Evidence.StepRecord s : evidence.steps) {
            String duration = s.finishedAt() == null
                    ? ""
                    : Duration.between(s.startedAt(), s.finishedAt()).toMillis() + " ms";
            md.append("| ")
                    .append(s.stepId())
                    .append(" | ")
                    .append(s.target())
                    .append(" | ")
                    .append(s.status())
                    .append(" | ")
                    .append(duration)
                    .append(" | ")
                    .append(
                            s.summary() == null
                                    ? ""
                                    : s.summary().replace("\n", " ").replace("|", "\\|"))
                    .append(" |\n");
        }
        if (!evidence.contractRefusals.isEmpty()) {
            // A try that did not happen leaves no step row once a later one succeeds: each is kept here.
            md.append("\n## Contract tries that did not happen\n\n| at | after the switch by | why |\n|---|---|---|\n");
            for (Map<String, Object> refusal : evidence.contractRefusals) {
                Object by = refusal.get("switched") instanceof Map<?, ?> sw
                        ? sw.get("by") + " (" + sw.get("via") + ")"
                        : "";
                md.append("| ")
                        .append(refusal.get("at"))
                        .append(" | ")
                        .append(by)
                        .append(" | ")
                        .append(String.valueOf(refusal.get("reason"))
                                .replace("\n", " ")
                                .replace("|", "\\|"))
                        .append(" |\n");
            }
        }
        for (Map.Entry<String, List<BackfillFigures>> entry : evidence.backfills.entrySet()) {
            md.append("\n## Backfill on ")
                    .append(entry.getKey())
                    .append(
                            "\n\n| table | rows updated | rows scanned | batches | duration | rows/s |\n|---|---|---|---|---|---|\n");
            for (BackfillFigures f : entry.getValue()) {
                md.append("| ")
                        .append(f.table())
                        .append(" | ")
                        .append(f.rowsUpdated())
                        .append(" | ")
                        .append(f.rowsScanned())
                        .append(" | ")
                        .append(f.batches())
                        .append(" | ")
                        .append(f.durationMs())
                        .append(" ms | ")
                        .append(f.rowsPerSecond())
                        .append(" |\n");
            }
        }
        for (Map.Entry<String, List<CheckResult>> entry : evidence.checks.entrySet()) {
            md.append("\n## Integrity checks on ")
                    .append(entry.getKey())
                    .append("\n\n| check | expected | actual | result |\n|---|---|---|---|\n");
            for (CheckResult r : entry.getValue()) {
                md.append("| ")
                        .append(r.name())
                        .append(" | ")
                        .append(r.expected())
                        .append(" | ")
                        .append(r.error() != null ? "error: " + r.error().replace("\n", " ") : r.actual())
                        .append(" | ")
                        .append(r.passed() ? "pass" : "FAIL")
                        .append(" |\n");
            }
        }
        return md.toString();
    }
}
