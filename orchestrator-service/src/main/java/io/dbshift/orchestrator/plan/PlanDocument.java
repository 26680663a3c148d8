package io.dbshift.orchestrator.plan;

import io.dbshift.contracts.request.CheckSpec;
import io.dbshift.contracts.request.MigrationRequest;
import io.dbshift.contracts.request.MigrationScript;
import io.dbshift.contracts.request.Window;
import io.dbshift.contracts.schema.SchemaSnapshot;
import io.dbshift.contracts.schema.StatementAnalysis;
import io.dbshift.orchestrator.workflow.Evidence;
import io.dbshift.orchestrator.workflow.MigrationState;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Renders the workflow's migration plan template as Markdown, filled from the request and the design analysis. */
public final class PlanDocument {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm");

    private PlanDocument() {}

    public static String render(MigrationState state, Evidence evidence, Instant now) {
        return render(state, evidence, now, 0);
    }

    /** @param approvalsNeeded approvals production waits for, by the policy and this plan's risk */
    public static String render(MigrationState state, Evidence evidence, Instant now, int approvalsNeeded) {
        MigrationRequest request = state.request();
        StringBuilder md = new StringBuilder();
        md.append("## Migration: ").append(request.name()).append("\n");
        md.append("**Date:** ").append(date(request.window(), now)).append("  \n");
        md.append("**Window:** ").append(window(request.window())).append("  \n");
        md.append("**Risk Level:** ").append(evidence.riskLevel).append("  \n");
        md.append("**Approval:** ")
                .append(
                        approvalsNeeded == 0
                                ? "none needed at this risk"
                                : approvalsNeeded
                                        + " approval(s) before production, by operators other than its requester")
                .append("  \n");
        if (request.window() != null && request.window().start() != null) {
            md.append("**If the window closes mid-way:** the step in progress finishes, and the next production step"
                    + " waits for an operator: `dbshift next` goes on outside the window, `dbshift reject`"
                    + " stops the migration  \n");
        }
        if (request.isManual()) {
            md.append("**Manual mode:** IMPLEMENT, production and VERIFY each start on an operator's `dbshift next`"
                    + "  \n");
        }
        md.append("**Target:** ")
                .append(request.target())
                .append(" (rehearsed first on ")
                .append(request.staging())
                .append(")  \n");
        md.append("**Migration id:** ").append(state.id()).append("\n\n");
        md.append("Risk reasons:\n");
        evidence.riskReasons.forEach(r -> md.append("- ").append(r).append("\n"));

        md.append(
                "\n### Schema changes\n\nEach statement was replayed on a scratch copy of the target; locks, rewrites and scans are what"
                        + " PostgreSQL did there, durations are estimated from the target's table sizes.\n\n"
                        + "| version | # | line | class | locks | statement | why |\n|---|---|---|---|---|---|---|\n");
        for (StatementAnalysis s : evidence.statements) {
            md.append("| ")
                    .append(s.version())
                    .append(" | ")
                    .append(s.index())
                    .append(" | ")
                    .append(s.line())
                    .append(" | ")
                    .append(s.classification().name().toLowerCase().replace('_', '-'))
                    .append(s.unsafe() ? " **unsafe**" : "")
                    .append(" | ")
                    .append(locks(s))
                    .append(" | `")
                    .append(oneLine(s.sql()))
                    .append("` | ")
                    .append(s.reason())
                    .append(" |\n");
        }
        if (!evidence.alreadyApplied.isEmpty()) {
            md.append("\nAlready applied on ")
                    .append(request.target())
                    .append(", not analysed (Flyway skips them): version ")
                    .append(String.join(", ", evidence.alreadyApplied))
                    .append("\n");
        }
        if (!evidence.findings.isEmpty()) {
            md.append("\nFindings:\n");
            evidence.findings.forEach(f -> md.append("- ").append(f.message()).append("\n"));
        }
        List<StatementAnalysis> withAlternatives = evidence.statements.stream()
                .filter(s -> s.unsafe() && !s.alternatives().isEmpty())
                .toList();
        if (!withAlternatives.isEmpty()) {
            md.append("\nSafer alternatives:\n");
            for (StatementAnalysis s : withAlternatives) {
                md.append("- version ")
                        .append(s.version())
                        .append(" statement ")
                        .append(s.index())
                        .append(": ");
                md.append(String.join("; or ", s.alternatives())).append("\n");
            }
        }
        if (evidence.snapshot != null) {
            md.append("\n### Current schema of ")
                    .append(request.target())
                    .append(" (PostgreSQL ")
                    .append(evidence.snapshot.serverVersion())
                    .append(")\n\n| table | rows (estimate) | size | columns |\n|---|---|---|---|\n");
            for (SchemaSnapshot.TableInfo t : evidence.snapshot.tables()) {
                md.append("| ")
                        .append(t.schema())
                        .append('.')
                        .append(t.name())
                        .append(" | ")
                        .append(t.rowEstimate())
                        .append(" | ")
                        .append(t.sizeBytes() / 1024)
                        .append(" kB | ")
                        .append(String.join(
                                ", ",
                                t.columns().stream()
                                        .map(c -> c.name() + " " + c.type() + (c.nullable() ? "" : " not null"))
                                        .toList()))
                        .append(" |\n");
            }
        }

        md.append("\n### Pre-Migration Checklist\n");
        md.append(
                "- [ ] Backup completed and verified — checkpoint \"Backup verified\", flipped by `production.backup`: pg_dump -Fc,"
                        + " the archive listed and checksummed, and a test restore with the snapshot's row counts\n");
        md.append(
                "- [ ] Staging migration successful — checkpoint \"Migration rehearsed\", flipped by the staging verification\n");
        md.append(
                "- [ ] Rollback tested — checkpoint \"Rollback tested\", flipped by `staging.rollback`: the down scripts"
                        + " on the migrated staging, schema and row counts as before, the up scripts again\n");
        md.append(
                "- [ ] Team notified — checkpoint \"Team notified\", flipped when the notifier delivered this plan to every"
                        + " required recipient, with the delivery ids\n");
        md.append("- [ ] Monitoring dashboards open\n");

        md.append("\n### Execution Steps\n");
        List<PlanStep> steps = Steps.of(request);
        for (int i = 0; i < steps.size(); i++) {
            PlanStep step = steps.get(i);
            md.append(i + 1)
                    .append(". `")
                    .append(step.id())
                    .append("` — ")
                    .append(step.title())
                    .append("\n");
        }

        md.append("\n### Rollback Procedure\n");
        if (request.restoreOnFailedVerification()) {
            md.append(
                    "0. If production's integrity checks fail, dbshift rolls production back itself (`production.rollback`):"
                            + " by the down scripts when staging proved them (\"Rollback tested\"), else by restoring the"
                            + " verified backup in maintenance mode, losing every write since the backup (the request says"
                            + " `onFailedVerification: restore`); the rollback is verified against the schema from before the"
                            + " migration. The steps below are for any other failure\n");
        } else if (request.rollBackOnFailedVerification()) {
            md.append(
                    "0. If production's integrity checks fail, dbshift rolls production back itself (`production.rollback`)"
                            + " by the down scripts when staging proved them (\"Rollback tested\"), and verifies the rollback"
                            + " against the schema from before the migration. Without proven downs it stops, and an operator"
                            + " decides (`dbshift rollback ID --accept-data-loss` restores the backup). The steps below are for"
                            + " any other failure\n");
        } else {
            md.append(
                    "0. The request says `onFailedVerification: stop`: if production's checks fail, production is left"
                            + " as it is for an operator\n");
        }
        md.append(
                "1. A failed step stops the migration: the failing script's transaction is rolled back; versions applied before it "
                        + "and backfill batches committed before the failure stay\n");
        boolean allDown = request.migrations().stream()
                .allMatch(m -> m.down() != null && !m.down().isBlank());
        if (allDown) {
            md.append("2. Undo applied versions in reverse order with their down scripts:\n");
            for (int i = request.migrations().size() - 1; i >= 0; i--) {
                MigrationScript m = request.migrations().get(i);
                md.append("   - version ")
                        .append(m.version())
                        .append(": `")
                        .append(oneLine(m.down()))
                        .append("`\n");
            }
        } else {
            md.append("2. Some versions have no down script: restore ")
                    .append(request.target())
                    .append(" from the archive `production.backup` took (`pg_restore --create` into a dropped"
                            + " database, with the application stopped; its path and SHA-256 are in the report)\n");
        }
        if (!request.operations().isEmpty()) {
            md.append("2a. Expand/contract operations (")
                    .append(String.join(
                            "; ",
                            request.operations().stream().map(o -> o.describe()).toList()))
                    .append("): until `production.contract` the old columns exist and are kept in sync with every write"
                            + " through either shape, so the rollback drops the new shape at once and loses nothing"
                            + " (`dbshift rollback ID`). After contract the old columns are gone: only the backup, or a"
                            + " reverse change as a new migration, brings them back\n");
        }
        md.append("3. Revert application code that depends on the new schema\n");
        md.append("4. Verify rollback success: re-run the integrity checks below\n");

        md.append("\n### Success Criteria\n");
        md.append("- [ ] All migrations applied (version ")
                .append(String.join(
                        ", ",
                        request.migrations().stream()
                                .map(MigrationScript::version)
                                .toList()))
                .append(")\n");
        md.append("- [ ] Data integrity checks pass:\n");
        for (CheckSpec check : request.checks()) {
            md.append("   - ").append(check.displayName()).append("\n");
        }
        md.append("- [ ] Application functional\n");
        md.append("- [ ] No error spikes in monitoring\n");
        return md.toString();
    }

    private static String date(Window window, Instant now) {
        Instant when = window != null && window.start() != null ? window.start().toInstant() : now;
        return when.atZone(zone(window)).toLocalDate().toString();
    }

    private static String window(Window window) {
        if (window == null || window.start() == null || window.end() == null) {
            return "none declared: production follows as soon as the staging rehearsal passes";
        }
        ZoneId zone = zone(window);
        return HOUR.format(window.start().atZoneSameInstant(zone)) + " - "
                + HOUR.format(window.end().atZoneSameInstant(zone)) + " (" + zone.getId() + ")";
    }

    private static ZoneId zone(Window window) {
        try {
            return window != null && window.timezone() != null ? ZoneId.of(window.timezone()) : ZoneOffset.UTC;
        } catch (RuntimeException e) {
            return ZoneOffset.UTC;
        }
    }

    static String oneLine(String sql) {
        String flat = sql.replaceAll("\\s+", " ").strip().replace("|", "\\|");
        return flat.length() > 160 ? flat.substring(0, 157) + "..." : flat;
    }

    /** {@code users: ACCESS EXCLUSIVE, rewrite, ~3 s}, one entry per existing table the statement locks. */
    private static String locks(StatementAnalysis s) {
        if (s.locks().isEmpty()) {
            return "";
        }
        return String.join(
                "<br>",
                s.locks().stream()
                        .map(l -> l.table() + ": "
                                + l.mode()
                                        .replace("Lock", "")
                                        .replaceAll("([a-z])([A-Z])", "$1 $2")
                                        .toUpperCase()
                                + (l.rewrite() ? ", rewrite" : l.scan() ? ", scan" : "")
                                + (l.estimatedSeconds() == null || l.estimatedSeconds() < 0.05
                                        ? ""
                                        : String.format(java.util.Locale.ROOT, ", ~%.1f s", l.estimatedSeconds())))
                        .toList());
    }
}
