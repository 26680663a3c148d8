package io.dbshift.orchestrator.workflow;

import io.dbshift.contracts.Phase;
import io.dbshift.contracts.command.AnalyzeSchema;
import io.dbshift.contracts.command.ApplyMigration;
import io.dbshift.contracts.command.BackupTarget;
import io.dbshift.contracts.command.CaptureBaseline;
import io.dbshift.contracts.command.Command;
import io.dbshift.contracts.command.RehearseRollback;
import io.dbshift.contracts.command.ReshapeSchema;
import io.dbshift.contracts.command.RollBackTarget;
import io.dbshift.contracts.command.RunBackfill;
import io.dbshift.contracts.command.RunChecks;
import io.dbshift.contracts.event.CheckpointReached;
import io.dbshift.contracts.event.MaintenanceModeChanged;
import io.dbshift.contracts.event.MigrationCompleted;
import io.dbshift.contracts.event.MigrationEvent;
import io.dbshift.contracts.event.MigrationFailed;
import io.dbshift.contracts.event.MigrationHeld;
import io.dbshift.contracts.event.MigrationPhaseChanged;
import io.dbshift.contracts.event.MigrationPlanned;
import io.dbshift.contracts.event.MigrationRequested;
import io.dbshift.contracts.event.MigrationRolledBack;
import io.dbshift.contracts.event.SchemaStageReached;
import io.dbshift.contracts.event.StepCompleted;
import io.dbshift.contracts.event.StepStarted;
import io.dbshift.contracts.request.CheckSpec;
import io.dbshift.contracts.request.IrreversibleAcceptance;
import io.dbshift.contracts.request.MigrationScript;
import io.dbshift.contracts.request.Window;
import io.dbshift.contracts.result.BackfillCompleted;
import io.dbshift.contracts.result.BackupVerified;
import io.dbshift.contracts.result.BaselineCaptured;
import io.dbshift.contracts.result.ChecksCompleted;
import io.dbshift.contracts.result.MigrationApplied;
import io.dbshift.contracts.result.RollbackRehearsed;
import io.dbshift.contracts.result.SchemaAnalyzed;
import io.dbshift.contracts.result.SchemaReshaped;
import io.dbshift.contracts.result.StepFailed;
import io.dbshift.contracts.result.StepResult;
import io.dbshift.contracts.result.TargetRolledBack;
import io.dbshift.contracts.result.TeamNotified;
import io.dbshift.contracts.schema.ReshapeStage;
import io.dbshift.contracts.schema.SchemaSnapshot;
import io.dbshift.orchestrator.plan.PlanDocument;
import io.dbshift.orchestrator.plan.PlanStep;
import io.dbshift.orchestrator.plan.Risk;
import io.dbshift.orchestrator.plan.RiskAssessor;
import io.dbshift.orchestrator.plan.StepKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The orchestrator's decisions as plain functions: {@code (state, input) -> decision}. No I/O, no
 * framework; the caller persists the decision and emits its messages.
 */
public final class Transition {
    private Transition() {}

    /**
     * An operator asks for production to be rolled back after the migration ended, or while production's contract
     * waits for the application's switch. Refused, with the reason in the decision's note and nothing changed, while it
     * otherwise still runs, when production was not changed by it, when it was rolled back already, or when it has
     * neither a tested rollback nor a verified backup.
     */
    public static Decision rollbackRequested(MigrationState state, String requestedBy, String reason, Instant now) {
        return rollbackRequested(state, requestedBy, reason, false, now);
    }

    /**
     * @param acceptDataLoss the operator accepts a rollback by restoring the backup, which loses every write made since
     *     it was taken; without it, only the down scripts staging proved roll production back
     */
    public static Decision rollbackRequested(
            MigrationState state, String requestedBy, String reason, boolean acceptDataLoss, Instant now) {
        String target = state.request().target();
        Evidence evidence = state.evidence().copy();
        // While production's contract waits for the application's switch, the old shape is still whole: dropping the
        // new one is instant, and is what an operator does when the new version fails.
        boolean waitingForSwitch = evidence.hold != null && MigrationHeld.SWITCH.equals(evidence.hold.waitingFor());
        if (!state.phase().isTerminal() && !waitingForSwitch) {
            return Decision.unchanged(
                    state,
                    "the migration is " + state.phase() + " and still running; a rollback can be asked for once it has"
                            + " ended, or while it waits for the application's switch");
        }
        evidence.hold = null;
        if (state.phase() == Phase.ROLLED_BACK
                || evidence.steps.stream()
                        .anyMatch(s -> s.stepId().equals("production.rollback") && "succeeded".equals(s.status()))) {
            return Decision.unchanged(state, "production was rolled back already: see the report");
        }
        if (evidence.appliedVersions.getOrDefault(target, List.of()).isEmpty()
                && !evidence.reshapes.containsKey(target)) {
            return Decision.unchanged(
                    state,
                    "this migration changed nothing on " + target
                            + " (no version applied there): nothing to roll back");
        }
        String method = rollbackMethod(state, evidence, target, acceptDataLoss);
        int rollback = rollbackStep(state);
        if (method == null && !acceptDataLoss && rollbackMethod(state, evidence, target, true) != null) {
            return Decision.unchanged(
                    state,
                    (contracted(state, evidence, target)
                                    ? target + "'s expand/contract operations were contracted: their old columns are"
                                            + " gone"
                                    : target + "'s down scripts were not all proven on staging")
                            + ", so only restoring its backup can roll it"
                            + " back, and that loses every write made since the backup was taken ("
                            + evidence.backups.get(target).archive() + "). Ask again accepting the data loss"
                            + " (acceptDataLoss: true, or dbshift rollback --accept-data-loss)");
        }
        if (method == null || rollback < 0) {
            return Decision.unchanged(
                    state,
                    target + " cannot be rolled back by dbshift: its down scripts were not all proven on staging and it"
                            + " has no verified backup of the whole database. Follow the plan's rollback procedure by"
                            + " hand");
        }
        evidence.rollbackMethod = method;
        Map<String, Object> asked = new LinkedHashMap<>();
        asked.put("requestedBy", requestedBy);
        asked.put("reason", reason);
        asked.put("at", now.toString());
        asked.put("phaseBefore", state.phase().name());
        asked.put("method", method);
        asked.put("acceptDataLoss", acceptDataLoss);
        evidence.rollbackRequest = asked;
        List<MigrationEvent> events = new ArrayList<>();
        List<Command> commands = new ArrayList<>();
        events.add(new MigrationPhaseChanged(
                state.id(),
                name(state),
                state.phase(),
                Phase.ROLLING_BACK,
                "rollback of " + target + " asked by " + requestedBy + ": " + reason));
        if ("restore".equals(method)) {
            events.add(new MaintenanceModeChanged(
                    state.id(),
                    target,
                    true,
                    "an operator asked for its rollback: it is dropped and restored from the backup taken before the"
                            + " migration"));
        }
        MigrationState rolling = new MigrationState(
                state.id(), state.request(), Phase.ROLLING_BACK, rollback, evidence, state.createdAt());
        begin(rolling, evidence, rollback, now, commands, events);
        return new Decision(true, Phase.ROLLING_BACK, rollback, evidence, commands, events, null);
    }

    /**
     * The notifier delivered the plan's notice to every required recipient: the "Team notified" checkpoint, with the
     * delivery ids as evidence. Changes nothing else; a second report, or one for an unknown plan, changes nothing.
     */
    public static Decision teamNotified(MigrationState state, TeamNotified notified, Instant now) {
        if (state.evidence().checkpoints.containsKey(Checkpoints.TEAM_NOTIFIED)) {
            return Decision.unchanged(state, "the team was notified already");
        }
        if (notified.deliveries() == null || notified.deliveries().isEmpty()) {
            return Decision.unchanged(state, "a team notice with no delivery is no evidence");
        }
        Evidence evidence = state.evidence().copy();
        Map<String, Object> proof = new LinkedHashMap<>();
        proof.put("planEvent", notified.planEventId());
        proof.put(
                "deliveries",
                notified.deliveries().stream()
                        .map(d -> Map.of(
                                "destination", d.destination(),
                                "deliveryId", d.deliveryId(),
                                "deliveredAt", String.valueOf(d.deliveredAt())))
                        .toList());
        evidence.checkpoints.put(
                Checkpoints.TEAM_NOTIFIED, new Evidence.Checkpoint(Checkpoints.TEAM_NOTIFIED, now, proof));
        return new Decision(
                true,
                state.phase(),
                state.stepIndex(),
                evidence,
                List.of(),
                List.of(new CheckpointReached(state.id(), Checkpoints.TEAM_NOTIFIED, proof)),
                null);
    }

    /** A new migration: the design phase starts with the schema analysis of the target. */
    public static Decision start(MigrationState state, Instant now) {
        Evidence evidence = state.evidence().copy();
        List<MigrationEvent> events = new ArrayList<>();
        List<Command> commands = new ArrayList<>();
        events.add(new MigrationRequested(
                state.id(),
                name(state),
                state.request().target(),
                state.request().staging(),
                state.request().requestedBy(),
                state.request().notifications()));
        events.add(new MigrationPhaseChanged(state.id(), name(state), null, Phase.DESIGN, "request accepted"));
        begin(state, evidence, 0, now, commands, events);
        return new Decision(true, Phase.DESIGN, 0, evidence, commands, events, null);
    }

    /** A result from the executor or verifier. */
    public static Decision onResult(MigrationState state, StepResult result, String resultEventId, Instant now) {
        return onResult(state, result, resultEventId, now, ApprovalPolicy.NONE);
    }

    /** A result from the executor or verifier, under an approval policy that may hold production back. */
    public static Decision onResult(
            MigrationState state, StepResult result, String resultEventId, Instant now, ApprovalPolicy policy) {
        if (state.phase().isTerminal()) {
            return Decision.unchanged(
                    state, "the migration is " + state.phase() + "; result for " + result.stepId() + " ignored");
        }
        PlanStep step = state.currentStep();
        if (step == null || !step.id().equals(result.stepId())) {
            return Decision.unchanged(
                    state,
                    "result for step " + result.stepId() + " but the migration is at "
                            + (step == null ? "no step" : step.id()) + "; a redelivery or a stale result");
        }
        if (step.kind() == StepKind.CONTRACT
                && !java.util.Objects.equals(
                        result.commandId(), commandFor(state, step).commandId())) {
            return Decision.unchanged(
                    state, "result of an earlier try of " + step.id() + " (" + result.commandId() + "); ignored");
        }
        Evidence evidence = state.evidence().copy();
        List<MigrationEvent> events = new ArrayList<>();
        if (result instanceof StepFailed failed) {
            if (step.kind() == StepKind.CONTRACT && step.id().startsWith("production.")) {
                if (failed.reshapeStage() == ReshapeStage.READY && evidence.switched != null) {
                    return contractDidNotHappen(state, evidence, step, failed.reason(), resultEventId, now);
                }
                if (failed.reshapeStage() != null) {
                    // Failed after it, or part-way: what the target is at decides what a rollback can still do.
                    evidence.reshapes.put(step.target(), failed.reshapeStage().name());
                }
            }
            if (step.kind() == StepKind.ROLLBACK) {
                // Keep why the rollback ran (failed checks, or an operator's request) beside why it failed.
                String why = evidence.failure != null ? evidence.failure + "; " : "";
                Decision d = fail(state, evidence, step, failed.reason(), resultEventId, now);
                d.evidence().failure = why + "the rollback of " + step.target() + " failed: " + failed.reason();
                return d;
            }
            if (step.kind() == StepKind.APPLY && !failed.appliedVersions().isEmpty()) {
                // Versions committed before the failing one stay applied: a rollback must know them.
                evidence.appliedVersions.put(step.target(), failed.appliedVersions());
                return fail(
                        state,
                        evidence,
                        step,
                        failed.reason() + "\nVersion(s) " + String.join(", ", failed.appliedVersions())
                                + " were applied before it and stay applied.",
                        resultEventId,
                        now);
            }
            return fail(state, evidence, step, failed.reason(), resultEventId, now);
        }
        String summary;
        Phase phase = state.phase();
        switch (step.kind()) {
            case ANALYZE -> {
                if (!(result instanceof SchemaAnalyzed analyzed)) {
                    return mismatch(state, step, result);
                }
                evidence.snapshot = analyzed.snapshot();
                evidence.statements = analyzed.statements();
                evidence.findings = analyzed.findings();
                evidence.alreadyApplied = analyzed.alreadyApplied();
                Risk risk = RiskAssessor.assess(
                        state.request(), analyzed.snapshot(), analyzed.statements(), analyzed.risk());
                evidence.riskLevel = risk.level().label();
                evidence.riskReasons = risk.reasons();
                summary = analyzed.snapshot().tables().size() + " tables documented, "
                        + analyzed.statements().size() + " statements classified (" + classes(analyzed) + ")";
                finish(evidence, step, "succeeded", summary, resultEventId, now);
                events.add(new StepCompleted(state.id(), step.id(), step.title(), step.target(), summary));
                events.add(new MigrationPhaseChanged(
                        state.id(), name(state), Phase.DESIGN, Phase.PLAN, "schema analysed: " + summary));
                String plan = PlanDocument.render(
                        state, evidence, now, policy.needed(risk.level().label()));
                events.add(new MigrationPlanned(
                        state.id(),
                        name(state),
                        risk.level().label(),
                        risk.reasons(),
                        plan,
                        state.request().window()));
                events.add(new MigrationPhaseChanged(
                        state.id(),
                        name(state),
                        Phase.PLAN,
                        Phase.IMPLEMENT,
                        "plan published at risk " + risk.level().label()
                                + approvalNote(policy, risk.level().label())));
                phase = Phase.IMPLEMENT;
            }
            case BASELINE -> {
                if (!(result instanceof BaselineCaptured baseline)) {
                    return mismatch(state, step, result);
                }
                evidence.baselines.put(step.target(), baseline.rowCounts());
                summary = "row counts " + baseline.rowCounts();
                finish(evidence, step, "succeeded", summary, resultEventId, now);
                events.add(new StepCompleted(state.id(), step.id(), step.title(), step.target(), summary));
            }
            case BACKUP -> {
                if (!(result instanceof BackupVerified backup)) {
                    return mismatch(state, step, result);
                }
                evidence.backups.put(step.target(), backup);
                long rows = backup.rowCounts().values().stream()
                        .mapToLong(Long::longValue)
                        .sum();
                summary = (backup.wholeDatabase() ? "" : "tables " + String.join(", ", backup.tables()) + " only, ")
                        + backup.archive() + ": " + backup.bytes() / 1024 + " KiB, sha256 " + backup.sha256()
                        + ", " + backup.entries() + " entries; restored into a scratch database with the same "
                        + rows + " rows in " + backup.rowCounts().size() + " tables";
                finish(evidence, step, "succeeded", summary, resultEventId, now);
                events.add(new StepCompleted(state.id(), step.id(), step.title(), step.target(), summary));
                Map<String, Object> proof = new LinkedHashMap<>();
                proof.put("target", step.target());
                proof.put("backupEventId", resultEventId);
                proof.put("archive", backup.archive());
                proof.put("bytes", backup.bytes());
                proof.put("sha256", backup.sha256());
                proof.put("entries", backup.entries());
                proof.put("scope", backup.wholeDatabase() ? "database" : "tables " + backup.tables());
                proof.put("tablesRestored", backup.rowCounts().size());
                proof.put("rowsRestored", rows);
                proof.put("dumpMillis", backup.dumpMillis());
                proof.put("restoreMillis", backup.restoreMillis());
                evidence.checkpoints.put(
                        Checkpoints.BACKUP_VERIFIED, new Evidence.Checkpoint(Checkpoints.BACKUP_VERIFIED, now, proof));
                events.add(new CheckpointReached(state.id(), Checkpoints.BACKUP_VERIFIED, proof));
            }
            case ROLLBACK_REHEARSAL -> {
                if (!(result instanceof RollbackRehearsed rehearsed)) {
                    return mismatch(state, step, result);
                }
                IrreversibleAcceptance accepted = state.request().irreversible();
                if (rehearsed.reversible() && !rehearsed.comparedWithBefore()) {
                    // Staging had the versions before this migration: its schema before them is not known here.
                    summary = "the down scripts ran and the up scripts applied again to the same schema, in one"
                            + " transaction, rolled back; not compared with the schema before the migration, because "
                            + step.target() + " had its versions before this migration ran, so \"Rollback tested\""
                            + " is not claimed";
                    finish(evidence, step, "succeeded", summary, resultEventId, now);
                    events.add(new StepCompleted(state.id(), step.id(), step.title(), step.target(), summary));
                } else if (rehearsed.reversible()) {
                    summary = "rolled back and applied again in one transaction, rolled back: schema and row counts as"
                            + " before the migration (downs " + rehearsed.downMillis() + " ms, ups again "
                            + rehearsed.redoMillis() + " ms)";
                    finish(evidence, step, "succeeded", summary, resultEventId, now);
                    events.add(new StepCompleted(state.id(), step.id(), step.title(), step.target(), summary));
                    Map<String, Object> proof = new LinkedHashMap<>();
                    proof.put("target", step.target());
                    proof.put("rollbackEventId", resultEventId);
                    proof.put("versions", evidence.appliedVersions.getOrDefault(step.target(), List.of()));
                    proof.put("schemaDifferences", rehearsed.differences());
                    proof.put("rowCounts", rehearsed.rowCounts());
                    proof.put("baseline", evidence.baselines.getOrDefault(step.target(), Map.of()));
                    proof.put("locks", rehearsed.locks());
                    proof.put("tablesChecksummed", rehearsed.tablesChecksummed());
                    proof.put("downMillis", rehearsed.downMillis());
                    proof.put("redoMillis", rehearsed.redoMillis());
                    evidence.checkpoints.put(
                            Checkpoints.ROLLBACK_TESTED,
                            new Evidence.Checkpoint(Checkpoints.ROLLBACK_TESTED, now, proof));
                    events.add(new CheckpointReached(state.id(), Checkpoints.ROLLBACK_TESTED, proof));
                } else if (accepted != null) {
                    summary = notReversible(rehearsed) + "; accepted as irreversible by " + accepted.acceptedBy() + ": "
                            + accepted.reason();
                    Map<String, Object> acceptance = new LinkedHashMap<>();
                    acceptance.put("acceptedBy", accepted.acceptedBy());
                    acceptance.put("reason", accepted.reason());
                    acceptance.put("verdict", rehearsed.verdict());
                    acceptance.put("finding", notReversible(rehearsed));
                    acceptance.put("rollbackEventId", resultEventId);
                    evidence.irreversibleAccepted = acceptance;
                    finish(evidence, step, "succeeded", summary, resultEventId, now);
                    events.add(new StepCompleted(state.id(), step.id(), step.title(), step.target(), summary));
                } else {
                    return fail(
                            state,
                            evidence,
                            step,
                            notReversible(rehearsed) + ". The migration cannot go to production without a rollback:"
                                    + " fix the down script(s), or accept it as irreversible in the request"
                                    + " (\"irreversible\": {\"acceptedBy\": \"…\", \"reason\": \"…\"})",
                            resultEventId,
                            now);
                }
            }
            case ROLLBACK -> {
                if (!(result instanceof TargetRolledBack rolled)) {
                    return mismatch(state, step, result);
                }
                String how = rolled.method().equals("restore") ? "from its verified backup" : "by its down scripts";
                String verifiedAs = rolled.method().equals("restore")
                        ? "schema as before the migration, rows as in the backup"
                        : "schema as before the migration";
                summary = (rolled.verified()
                                ? "rolled back " + how + " in " + rolled.durationMs() + " ms and verified: "
                                        + verifiedAs
                                : "rolled back " + how + " in " + rolled.durationMs()
                                        + " ms, but the rollback does not verify: "
                                        + String.join("; ", rolled.differences()))
                        + (rolled.keptAs() == null
                                ? ""
                                : "; the database as it was is kept as " + rolled.keptAs()
                                        + " (closed to connections: drop it once it is no longer needed)");
                finish(evidence, step, rolled.verified() ? "succeeded" : "failed", summary, resultEventId, now);
                events.add(new StepCompleted(state.id(), step.id(), step.title(), step.target(), summary));
                if (rolled.method().equals("restore") && rolled.verified()) {
                    events.add(new MaintenanceModeChanged(
                            state.id(), step.target(), false, "restored from the verified backup and verified"));
                }
                events.add(new MigrationRolledBack(
                        state.id(),
                        name(state),
                        step.target(),
                        rolled.method(),
                        rolled.verified(),
                        rolled.differences()));
                String reshaped = evidence.reshapes.get(step.target());
                // Dropping the new shape, or restoring the backup (which has the old columns even after contract).
                if (reshaped != null
                        && rolled.verified()
                        && (!reshaped.equals(ReshapeStage.CONTRACTED.name())
                                || rolled.method().equals("restore"))) {
                    // The new shape was dropped (or the backup restored): applications go back to the old columns.
                    evidence.reshapes.put(step.target(), ReshapeStage.ROLLED_BACK.name());
                    events.add(new SchemaStageReached(
                            state.id(),
                            name(state),
                            step.target(),
                            ReshapeStage.ROLLED_BACK,
                            evidence.shapes.getOrDefault(step.target(), List.of()),
                            whatToDo(ReshapeStage.ROLLED_BACK, step.target(), true)));
                }
                if (state.phase() == Phase.ROLLING_BACK) {
                    // An operator's rollback of an ended migration.
                    Phase end = rolled.verified() ? Phase.ROLLED_BACK : Phase.FAILED;
                    if (!rolled.verified()) {
                        evidence.failure = "step " + step.id() + " failed: " + summary;
                    }
                    events.add(new MigrationPhaseChanged(
                            state.id(),
                            name(state),
                            Phase.ROLLING_BACK,
                            end,
                            step.target() + " " + summary + " (asked by " + evidence.rollbackRequest.get("requestedBy")
                                    + ")"));
                    if (!rolled.verified()) {
                        events.add(new MigrationFailed(state.id(), name(state), step.id(), summary));
                    }
                    return new Decision(true, end, state.stepIndex(), evidence, List.of(), events, null);
                }
                String verifyFailure = evidence.failure;
                evidence.failure = verifyFailure + "; " + step.target() + " was " + summary
                        + (rolled.verified() || !rolled.method().equals("restore")
                                ? ""
                                : "; maintenance mode stays on until an operator has looked");
                events.add(new MigrationPhaseChanged(
                        state.id(),
                        name(state),
                        state.phase(),
                        Phase.FAILED,
                        "production's checks failed; " + step.target() + " rolled back " + how));
                events.add(new MigrationFailed(
                        state.id(),
                        name(state),
                        verifyStepOf(state),
                        evidence.failure.replaceFirst("^step \\S+ failed: ", "")));
                return new Decision(true, Phase.FAILED, state.stepIndex(), evidence, List.of(), events, null);
            }
            case APPLY -> {
                if (!(result instanceof MigrationApplied applied)) {
                    return mismatch(state, step, result);
                }
                evidence.appliedVersions.put(step.target(), applied.appliedVersions());
                if (applied.schemaBefore() != null) {
                    evidence.schemasBefore.put(step.target(), applied.schemaBefore());
                }
                summary = (applied.appliedVersions().isEmpty()
                                ? "already at version " + applied.schemaVersion()
                                : "applied version(s) " + String.join(", ", applied.appliedVersions()))
                        + " in " + applied.durationMs() + " ms";
                finish(evidence, step, "succeeded", summary, resultEventId, now);
                events.add(new StepCompleted(state.id(), step.id(), step.title(), step.target(), summary));
            }
            case BACKFILL -> {
                if (!(result instanceof BackfillCompleted backfill)) {
                    return mismatch(state, step, result);
                }
                evidence.backfills.put(step.target(), backfill.tables());
                summary = backfill.tables().stream()
                        .map(f -> f.table() + ": " + f.rowsUpdated() + " rows updated in " + f.batches() + " batches, "
                                + f.rowsPerSecond() + " rows/s")
                        .collect(Collectors.joining("; "));
                finish(evidence, step, "succeeded", summary, resultEventId, now);
                events.add(new StepCompleted(state.id(), step.id(), step.title(), step.target(), summary));
            }
            case CHECKS -> {
                if (!(result instanceof ChecksCompleted checks)) {
                    return mismatch(state, step, result);
                }
                evidence.checks.put(step.target(), checks.results());
                long passed = checks.results().stream()
                        .filter(ChecksCompleted.CheckResult::passed)
                        .count();
                if (!checks.passed()) {
                    String failedChecks = checks.results().stream()
                            .filter(r -> !r.passed())
                            .map(r -> "\"" + r.name() + "\" expected " + r.expected() + ", found "
                                    + (r.error() != null ? "an error: " + r.error() : r.actual()))
                            .collect(Collectors.joining("; "));
                    String reason = passed + " of " + checks.results().size() + " integrity checks passed on "
                            + step.target() + ": " + failedChecks;
                    int rollback = rollbackStep(state);
                    if (step.id().startsWith("production.") && evidence.switched != null) {
                        // The application said it runs on the new shape: dropping it now would take its columns away.
                        return fail(
                                state,
                                evidence,
                                step,
                                reason + ". The application has switched to the new shape ("
                                        + evidence.switched.get("by")
                                        + "), so it is not rolled back automatically: move the application back to the"
                                        + " old columns, then roll back (dbshift rollback " + state.id() + "), which"
                                        + " drops the new ones",
                                resultEventId,
                                now);
                    }
                    if (step.id().startsWith("production.")
                            && rollback >= 0
                            && state.request().rollBackOnFailedVerification()
                            && rollbackMethod(
                                            state,
                                            evidence,
                                            step.target(),
                                            state.request().restoreOnFailedVerification())
                                    != null) {
                        evidence.rollbackMethod = rollbackMethod(
                                state, evidence, step.target(), state.request().restoreOnFailedVerification());
                        return rollBack(state, evidence, step, rollback, reason, resultEventId, now);
                    }
                    return fail(state, evidence, step, reason, resultEventId, now);
                }
                summary = "all " + checks.results().size() + " integrity checks passed";
                finish(evidence, step, "succeeded", summary, resultEventId, now);
                events.add(new StepCompleted(state.id(), step.id(), step.title(), step.target(), summary));
                String checkpoint = step.id().startsWith("staging.")
                        ? Checkpoints.MIGRATION_REHEARSED
                        : Checkpoints.DATA_INTEGRITY_CHECKS_PASSING;
                Map<String, Object> proof = proof(evidence, step.target(), checks, resultEventId);
                evidence.checkpoints.put(checkpoint, new Evidence.Checkpoint(checkpoint, now, proof));
                events.add(new CheckpointReached(state.id(), checkpoint, proof));
            }
            case EXPAND, FILL, SWITCH, CONTRACT -> {
                if (!(result instanceof SchemaReshaped reshaped)) {
                    return mismatch(state, step, result);
                }
                if (reshaped.rollbackRehearsed() != null
                        && !reshaped.rollbackRehearsed().isEmpty()) {
                    return fail(
                            state,
                            evidence,
                            step,
                            "the expand was rolled back on " + step.target() + " but the table is not as it was: "
                                    + String.join("; ", reshaped.rollbackRehearsed()),
                            resultEventId,
                            now);
                }
                evidence.reshapes.put(step.target(), reshaped.stage().name());
                evidence.shapes.put(step.target(), reshaped.changes());
                summary = reshapeSummary(reshaped);
                finish(evidence, step, "succeeded", summary, resultEventId, now);
                events.add(new StepCompleted(state.id(), step.id(), step.title(), step.target(), summary));
                events.add(new SchemaStageReached(
                        state.id(),
                        name(state),
                        step.target(),
                        reshaped.stage(),
                        reshaped.changes(),
                        whatToDo(reshaped.stage(), step.target(), step.id().startsWith("production."))));
                if (reshaped.rollbackRehearsed() != null
                        && state.request().migrations().isEmpty()) {
                    // No scripts: the expand's own rollback, rehearsed here, is the migration's rollback.
                    Map<String, Object> proof = new LinkedHashMap<>();
                    proof.put("target", step.target());
                    proof.put("rollbackEventId", resultEventId);
                    proof.put("kind", "expand/contract: the new shape dropped, the table compared with before");
                    proof.put(
                            "operations",
                            state.request().operations().stream()
                                    .map(o -> o.describe())
                                    .toList());
                    proof.put("schemaDifferences", reshaped.rollbackRehearsed());
                    evidence.checkpoints.put(
                            Checkpoints.ROLLBACK_TESTED,
                            new Evidence.Checkpoint(Checkpoints.ROLLBACK_TESTED, now, proof));
                    events.add(new CheckpointReached(state.id(), Checkpoints.ROLLBACK_TESTED, proof));
                }
            }
            default -> throw new IllegalStateException("unhandled step kind " + step.kind());
        }
        int next = state.stepIndex() + 1;
        while (next < state.steps().size() && state.steps().get(next).kind() == StepKind.ROLLBACK) {
            next++; // run only when production's checks fail
        }
        List<Command> commands = new ArrayList<>();
        if (next >= state.steps().size()) {
            events.add(
                    new MigrationPhaseChanged(state.id(), name(state), phase, Phase.COMPLETED, "every step succeeded"));
            events.add(new MigrationCompleted(
                    state.id(),
                    name(state),
                    Duration.between(state.createdAt(), now).toMillis()));
            return new Decision(true, Phase.COMPLETED, next, evidence, commands, events, null);
        }
        PlanStep nextStep = state.steps().get(next);
        if (nextStep.phase() != phase) {
            events.add(new MigrationPhaseChanged(
                    state.id(), name(state), phase, nextStep.phase(), "production changed; verifying"));
            phase = nextStep.phase();
        }
        MigrationState advanced =
                new MigrationState(state.id(), state.request(), phase, next, evidence, state.createdAt());
        holdOrBegin(advanced, evidence, now, policy, commands, events);
        return new Decision(true, phase, next, evidence, commands, events, null);
    }

    private static String reshapeSummary(SchemaReshaped reshaped) {
        String what = switch (reshaped.stage()) {
            case EXPANDED ->
                reshaped.rollbackRehearsed() != null
                        ? "expanded, rolled back (the table as it was) and expanded again"
                        : "expanded: the new shape beside the old, kept in sync both ways";
            case BACKFILLED -> "the new shape filled";
            case READY -> "new schema ready";
            case CONTRACTED -> "old schema removed";
            default -> reshaped.stage().name().toLowerCase(java.util.Locale.ROOT);
        };
        return what + ": "
                + reshaped.changes().stream()
                        .map(c -> c.operation()
                                + (reshaped.stage() == ReshapeStage.BACKFILLED
                                        ? " (" + c.rowsBackfilled() + " rows)"
                                        : "")
                                + " in " + c.durationMs() + " ms")
                        .collect(Collectors.joining("; "));
    }

    /** What an application does at a stage, for the event's readers. */
    static String whatToDo(ReshapeStage stage, String target, boolean production) {
        return switch (stage) {
            case EXPANDED, BACKFILLED ->
                "nothing yet: keep the old columns on " + target + "; the new ones are kept in" + " sync with them";
            case READY ->
                "new schema ready on " + target + ": deploy the version that uses the new columns; old and"
                        + " new versions can run side by side until contract"
                        + (production
                                ? ". When it runs everywhere, publish ApplicationSwitched (or an operator says dbshift next)"
                                : "");
            case CONTRACTED -> "old schema removed on " + target + ": a version still using the old columns now fails";
            case ROLLED_BACK -> "the new columns are gone from " + target + ": use the old ones";
            case NONE -> "nothing";
        };
    }

    private static String approvalNote(ApprovalPolicy policy, String riskLevel) {
        int needed = policy.needed(riskLevel);
        return needed == 0
                ? "; no approval needed at this risk"
                : "; " + needed + " approval(s) needed before production";
    }

    /**
     * Begins the state's current step, unless it is a production step that must wait: for approvals, for the window to
     * open, or for an operator because the window closed. A wait is recorded in the evidence and published.
     */
    static void holdOrBegin(
            MigrationState state,
            Evidence evidence,
            Instant now,
            ApprovalPolicy policy,
            List<Command> commands,
            List<MigrationEvent> events) {
        PlanStep step = state.steps().get(state.stepIndex());
        MigrationHeld held = gate(state, evidence, step, now, policy);
        if (held == null) {
            evidence.hold = null;
            begin(state, evidence, state.stepIndex(), now, commands, events);
            return;
        }
        Evidence.Hold previous = evidence.hold;
        if (previous != null
                && previous.stepId().equals(held.stepId())
                && previous.waitingFor().equals(held.waitingFor())
                && previous.reason().equals(held.reason())) {
            return; // already said
        }
        evidence.hold = new Evidence.Hold(held.stepId(), held.waitingFor(), held.reason(), now, held.until());
        events.add(held);
    }

    /** How a wait of the manual mode reads; {@code next} tells it from a closed window's by it. */
    static final String MANUAL = "manual mode: ";

    /**
     * Why a step may not start now, or null when it may. Production's steps wait for approvals and the window; in
     * manual mode the first step of each phase, and the first on production, wait for an operator's next.
     */
    static MigrationHeld gate(
            MigrationState state, Evidence evidence, PlanStep step, Instant now, ApprovalPolicy policy) {
        if (step.kind() == StepKind.ROLLBACK) {
            return null;
        }
        MigrationHeld manual = manualHold(state, evidence, step);
        if (!step.id().startsWith("production.")) {
            return manual;
        }
        if (step.kind() == StepKind.CONTRACT && evidence.switched == null) {
            List<Map<String, Object>> refusals = evidence.contractRefusals;
            return new MigrationHeld(
                    state.id(),
                    name(state),
                    step.id(),
                    MigrationHeld.SWITCH,
                    refusals.isEmpty()
                            ? "new schema ready on " + step.target() + "; the old shape is removed once the application"
                                    + " runs on the new one: its deploy publishes ApplicationSwitched, or an operator"
                                    + " says dbshift next (a rollback until then is instant)"
                            : "the contract on " + step.target() + " did not happen (try " + refusals.size() + "), and"
                                    + " nothing of it was done: "
                                    + refusals.get(refusals.size() - 1).get("reason") + ". Both shapes are in place"
                                    + " and kept in sync. Once that is dealt with, dbshift next (or the deploy's"
                                    + " ApplicationSwitched) tries again. A rollback is still instant, but it drops the"
                                    + " new columns the application was said to use: move it back to the old ones"
                                    + " first",
                    null);
        }
        // Approvals hold the first production step only: a policy changed mid-way must not strand production.
        boolean productionBegun =
                evidence.steps.stream().anyMatch(s -> s.stepId().startsWith("production."));
        int needed = productionBegun ? 0 : policy.needed(evidence.riskLevel);
        if (evidence.approvals.size() < needed) {
            return new MigrationHeld(
                    state.id(),
                    name(state),
                    step.id(),
                    MigrationHeld.APPROVAL,
                    evidence.approvals.size() + " of " + needed + " approval(s) before production (risk "
                            + evidence.riskLevel + "); the requester cannot approve their own migration",
                    null);
        }
        Window window = state.request().window();
        if (window == null || window.start() == null) {
            return manual;
        }
        Instant start = window.start().toInstant();
        if (now.isBefore(start)) {
            return new MigrationHeld(
                    state.id(),
                    name(state),
                    step.id(),
                    MigrationHeld.WINDOW,
                    "production waits for its window, which opens at " + inZone(window, window.start()),
                    start);
        }
        if (window.end() != null && !now.isBefore(window.end().toInstant()) && evidence.windowOverride == null) {
            return new MigrationHeld(
                    state.id(),
                    name(state),
                    step.id(),
                    MigrationHeld.OPERATOR,
                    "the window closed at " + inZone(window, window.end()) + "; the step in progress was finished and "
                            + step.id()
                            + " waits: dbshift next goes on outside the window, dbshift reject stops the migration",
                    null);
        }
        return manual;
    }

    /** A time of the window as its zone reads it: 2026-12-01T23:00+01:00[Europe/Oslo]. */
    private static String inZone(Window window, java.time.OffsetDateTime time) {
        if (window.timezone() == null || window.timezone().isBlank()) {
            return time.toString();
        }
        try {
            return time.atZoneSameInstant(java.time.ZoneId.of(window.timezone()))
                    .toString();
        } catch (java.time.DateTimeException e) {
            return time.toString();
        }
    }

    private static MigrationHeld manualHold(MigrationState state, Evidence evidence, PlanStep step) {
        if (!state.request().isManual() || evidence.manualGo.contains(step.id())) {
            return null;
        }
        List<PlanStep> steps = state.steps();
        int index = steps.indexOf(step);
        if (index <= 0) {
            return null;
        }
        PlanStep before = steps.get(index - 1);
        boolean phaseStarts = before.phase() != step.phase();
        boolean productionStarts =
                step.id().startsWith("production.") && !before.id().startsWith("production.");
        if (!phaseStarts && !productionStarts) {
            return null;
        }
        return new MigrationHeld(
                state.id(),
                name(state),
                step.id(),
                MigrationHeld.OPERATOR,
                MANUAL + (productionStarts ? "production" : step.phase().name()) + " starts with " + step.id()
                        + " when an operator says dbshift next",
                null);
    }

    static boolean contracted(MigrationState state, Evidence evidence, String target) {
        return !state.request().operations().isEmpty()
                && ReshapeStage.CONTRACTED.name().equals(evidence.reshapes.get(target));
    }

    /** The command for a step: what the executor or verifier must do. */
    public static Command commandFor(MigrationState state, PlanStep step) {
        String id = Command.idFor(state.id(), step.id());
        if (step.kind() == StepKind.CONTRACT
                && !state.evidence().contractRefusals.isEmpty()) {
            // A new try is a new command: the executor answers a command id once.
            id += "/try-" + (state.evidence().contractRefusals.size() + 1);
        }
        return switch (step.kind()) {
            case ANALYZE ->
                new AnalyzeSchema(
                        id,
                        state.id(),
                        step.id(),
                        step.target(),
                        state.request().migrations());
            case BACKUP -> new BackupTarget(id, state.id(), step.id(), step.target(), baselineTables(state));
            case ROLLBACK -> {
                String method = state.evidence().rollbackMethod != null
                        ? state.evidence().rollbackMethod
                        : rollbackMethod(state, state.evidence(), step.target(), false);
                BackupVerified backup = state.evidence().backups.get(step.target());
                boolean restore = "restore".equals(method);
                yield new RollBackTarget(
                        id,
                        state.id(),
                        step.id(),
                        step.target(),
                        method,
                        appliedScripts(state, step.target()),
                        state.evidence().schemasBefore.get(step.target()),
                        restore
                                ? backup.rowCounts()
                                : state.evidence().baselines.getOrDefault(step.target(), Map.of()),
                        restore ? backup.archive() : null,
                        restore ? backup.sha256() : null);
            }
            case ROLLBACK_REHEARSAL ->
                new RehearseRollback(
                        id,
                        state.id(),
                        step.id(),
                        step.target(),
                        appliedScripts(state, step.target()).isEmpty()
                                ? state.request().migrations()
                                : appliedScripts(state, step.target()),
                        appliedScripts(state, step.target()).isEmpty()
                                ? null
                                : state.evidence().schemasBefore.get(step.target()),
                        state.evidence().baselines.getOrDefault(step.target(), Map.of()),
                        unchangedTables(state, step.target()));
            case BASELINE -> new CaptureBaseline(id, state.id(), step.id(), step.target(), baselineTables(state));
            case APPLY ->
                new ApplyMigration(
                        id,
                        state.id(),
                        step.id(),
                        step.target(),
                        state.request().migrations());
            case BACKFILL ->
                new RunBackfill(
                        id,
                        state.id(),
                        step.id(),
                        step.target(),
                        state.request().backfills());
            case EXPAND, FILL, SWITCH, CONTRACT ->
                new ReshapeSchema(
                        id,
                        state.id(),
                        step.id(),
                        step.target(),
                        switch (step.kind()) {
                            case EXPAND -> ReshapeStage.EXPANDED;
                            case FILL -> ReshapeStage.BACKFILLED;
                            case SWITCH -> ReshapeStage.READY;
                            default -> ReshapeStage.CONTRACTED;
                        },
                        state.request().operations(),
                        step.kind() == StepKind.EXPAND && step.id().startsWith("staging."),
                        step.id().startsWith("staging."),
                        step.kind() == StepKind.CONTRACT && step.id().startsWith("production.")
                                ? state.request().oldApplication()
                                : null);
            case CHECKS ->
                new RunChecks(
                        id,
                        state.id(),
                        step.id(),
                        step.target(),
                        state.request().checks(),
                        state.evidence().baselines.getOrDefault(step.target(), Map.of()));
        };
    }

    /**
     * How production is rolled back: by its down scripts when staging proved them ("Rollback tested") and this
     * migration applied versions there; else from its verified backup; null when neither is possible.
     */
    static String rollbackMethod(MigrationState state, Evidence evidence, String target, boolean restoreAllowed) {
        if (!evidence.schemasBefore.containsKey(target)) {
            return null;
        }
        List<String> applied = evidence.appliedVersions.getOrDefault(target, List.of());
        // Contracted operations have lost their old shape: no down script brings it back, only the backup does.
        boolean contracted = contracted(state, evidence, target);
        if (applied.isEmpty() && !state.request().operations().isEmpty() && !contracted) {
            // Only expand/contract operations, not contracted: dropping the new shape is the rollback.
            return "down";
        }
        Evidence.Checkpoint tested = evidence.checkpoints.get(Checkpoints.ROLLBACK_TESTED);
        if (tested != null && !applied.isEmpty() && !contracted) {
            // Only versions whose downs staging ran: production may have applied versions staging had before.
            Set<String> proven = new java.util.HashSet<>();
            if (tested.evidence().get("versions") instanceof List<?> versions) {
                versions.forEach(v -> proven.add(normalized(String.valueOf(v))));
            }
            List<MigrationScript> scripts = appliedScripts(state, target);
            boolean allProven = applied.stream().map(Transition::normalized).allMatch(proven::contains)
                    && scripts.size() == applied.size()
                    && scripts.stream()
                            .allMatch(m -> m.down() != null && !m.down().isBlank());
            if (allProven) {
                return "down";
            }
        }
        BackupVerified backup = evidence.backups.get(target);
        if (restoreAllowed && backup != null && backup.wholeDatabase()) {
            return "restore";
        }
        return null;
    }

    private static int rollbackStep(MigrationState state) {
        for (int i = 0; i < state.steps().size(); i++) {
            if (state.steps().get(i).kind() == StepKind.ROLLBACK) {
                return i;
            }
        }
        return -1;
    }

    private static String verifyStepOf(MigrationState state) {
        return state.steps().stream()
                .filter(s -> s.kind() == StepKind.CHECKS && s.id().startsWith("production."))
                .map(PlanStep::id)
                .findFirst()
                .orElse("production.verify");
    }

    /**
     * Production's checks failed and the request asks for a rollback: the verify step is recorded as failed and the
     * rollback step starts; a restore is announced by maintenance mode first.
     */
    private static Decision rollBack(
            MigrationState state,
            Evidence evidence,
            PlanStep verify,
            int rollback,
            String reason,
            String eventId,
            Instant now) {
        finish(evidence, verify, "failed", reason, eventId, now);
        evidence.failure = "step " + verify.id() + " failed: " + reason;
        List<MigrationEvent> events = new ArrayList<>();
        List<Command> commands = new ArrayList<>();
        if ("restore".equals(evidence.rollbackMethod)) {
            events.add(new MaintenanceModeChanged(
                    state.id(),
                    verify.target(),
                    true,
                    "its checks failed: it is dropped and restored from the backup taken before the migration"));
        }
        MigrationState advanced =
                new MigrationState(state.id(), state.request(), state.phase(), rollback, evidence, state.createdAt());
        begin(advanced, evidence, rollback, now, commands, events);
        return new Decision(true, state.phase(), rollback, evidence, commands, events, null);
    }

    /** The request's scripts that this migration applied on the target, in order: the ones to roll back. */
    static List<MigrationScript> appliedScripts(MigrationState state, String target) {
        Set<String> applied = state.evidence().appliedVersions.getOrDefault(target, List.of()).stream()
                .map(Transition::normalized)
                .collect(Collectors.toSet());
        return state.request().migrations().stream()
                .filter(m -> applied.contains(normalized(m.version())))
                .toList();
    }

    /** Flyway reads 2, 02 and 2.0 as one version. */
    private static String normalized(String version) {
        return io.dbshift.contracts.request.RequestValidator.normalized(
                version.trim().replace('_', '.'));
    }

    /** Tables whose contents a checksum may cover: up to a million rows each, as the planner estimates. */
    static final long CHECKSUM_ROWS_LIMIT = 1_000_000;

    /**
     * The tables of the target that the migration does not touch (no statement names them, no backfill updates them,
     * not dbshift's own), small enough to checksum: the rollback rehearsal proves the downs leave them alone.
     */
    static List<String> unchangedTables(MigrationState state, String target) {
        SchemaSnapshot before = state.evidence().schemasBefore.get(target);
        if (before == null) {
            return List.of();
        }
        Set<String> touched = new java.util.HashSet<>();
        state.evidence().statements.forEach(s -> s.tables().forEach(t -> touched.add(unqualified(t))));
        state.request().backfills().forEach(b -> touched.add(unqualified(b.table())));
        return before.tables().stream()
                .filter(t -> !touched.contains(t.name().toLowerCase(java.util.Locale.ROOT)))
                .filter(t -> !t.name().startsWith("dbshift_"))
                .filter(t -> t.rowEstimate() <= CHECKSUM_ROWS_LIMIT)
                .map(t -> t.schema() + "." + t.name())
                .toList();
    }

    private static String unqualified(String table) {
        String name = table.substring(table.lastIndexOf('.') + 1).replace("\"", "");
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    /** Why the rollback is not proven, in a sentence. */
    static String notReversible(RollbackRehearsed r) {
        return switch (r.verdict()) {
            case "IRREVERSIBLE" -> "version(s) " + String.join(", ", r.irreversibleVersions()) + " have no down script";
            case "DOWN_FAILED" -> "the down script was refused on " + r.target() + ": " + r.refusal();
            case "DOWN_INCOMPLETE" ->
                "after the down scripts, the schema of " + r.target() + " differs from before the migration: "
                        + String.join("; ", r.differences());
            case "DATA_CHANGED" ->
                "after the down scripts, row counts on " + r.target() + " differ from before the migration: "
                        + String.join("; ", r.differences());
            case "REDO_FAILED" ->
                "the up scripts did not apply again after the down scripts on " + r.target() + ": "
                        + (r.refusal() != null ? r.refusal() : String.join("; ", r.differences()));
            default -> "the rollback rehearsal answered " + r.verdict();
        };
    }

    /** The tables whose counts the checks compare, plus the tables the migration changes. */
    static List<String> baselineTables(MigrationState state) {
        Set<String> tables = new LinkedHashSet<>();
        for (CheckSpec check : state.request().checks()) {
            if (check.rowCount() != null) {
                tables.add(check.rowCount());
            }
        }
        // Beside the checks' tables, the ones the change touches: exact counts of every table would
        // cost as much as the whole database and fail the step on one unreadable table.
        state.request().backfills().forEach(b -> tables.add(b.table()));
        state.request().operations().forEach(o -> tables.add(o.table()));
        state.evidence().statements.forEach(s -> tables.addAll(s.tables()));
        return List.copyOf(tables);
    }

    static void begin(
            MigrationState state,
            Evidence evidence,
            int index,
            Instant now,
            List<Command> commands,
            List<MigrationEvent> events) {
        PlanStep step = state.steps().get(index);
        evidence.steps.add(
                new Evidence.StepRecord(step.id(), step.title(), step.target(), "running", now, null, null, null));
        MigrationState withEvidence =
                new MigrationState(state.id(), state.request(), state.phase(), index, evidence, state.createdAt());
        commands.add(commandFor(withEvidence, step));
        events.add(new StepStarted(state.id(), step.id(), step.title(), step.target()));
    }

    private static void finish(
            Evidence evidence, PlanStep step, String status, String summary, String eventId, Instant now) {
        Evidence.StepRecord running = evidence.step(step.id());
        Instant started = running == null ? now : running.startedAt();
        evidence.steps.removeIf(s -> s.stepId().equals(step.id()));
        evidence.steps.add(new Evidence.StepRecord(
                step.id(), step.title(), step.target(), status, started, now, summary, eventId));
    }

    private static Decision fail(
            MigrationState state, Evidence evidence, PlanStep step, String reason, String eventId, Instant now) {
        finish(evidence, step, "failed", reason, eventId, now);
        evidence.failure = "step " + step.id() + " failed: " + reason;
        List<MigrationEvent> events = List.of(
                new MigrationPhaseChanged(
                        state.id(), name(state), state.phase(), Phase.FAILED, "step " + step.id() + " failed"),
                new MigrationFailed(state.id(), name(state), step.id(), reason));
        return new Decision(true, Phase.FAILED, state.stepIndex(), evidence, List.of(), events, null);
    }

    /**
     * Production's contract failed: the old version's sessions stayed, or the table's lock was never free. It runs as
     * one transaction, so nothing of it was done: both shapes are in place, kept in sync, and the application runs on
     * the new one. Failing the migration there would strand it; it waits for the switch again instead, saying why, and
     * the next word (dbshift next, or the deploy's ApplicationSwitched) tries the contract once more. A rollback until
     * then stays instant.
     */
    private static Decision contractDidNotHappen(
            MigrationState state, Evidence evidence, PlanStep step, String reason, String eventId, Instant now) {
        finish(evidence, step, "failed", reason, eventId, now);
        Map<String, Object> refusal = new LinkedHashMap<>();
        refusal.put("reason", reason);
        refusal.put("at", now.toString());
        refusal.put("resultEventId", eventId);
        refusal.put("switched", evidence.switched);
        evidence.contractRefusals.add(refusal);
        evidence.switched = null;
        List<MigrationEvent> events = new ArrayList<>();
        holdOrBegin(state, evidence, now, ApprovalPolicy.NONE, new ArrayList<>(), events);
        return new Decision(true, state.phase(), state.stepIndex(), evidence, List.of(), events, null);
    }

    private static Decision mismatch(MigrationState state, PlanStep step, StepResult result) {
        return Decision.unchanged(state, result.getClass().getSimpleName() + " does not answer step " + step.id());
    }

    private static Map<String, Object> proof(Evidence evidence, String target, ChecksCompleted checks, String eventId) {
        Map<String, Object> proof = new LinkedHashMap<>();
        proof.put("target", target);
        proof.put("checksEventId", eventId);
        proof.put("checksPassed", checks.results().size());
        proof.put("appliedVersions", evidence.appliedVersions.getOrDefault(target, List.of()));
        evidence.backfills
                .getOrDefault(target, List.of())
                .forEach(f -> proof.put("backfilled." + f.table(), f.rowsUpdated()));
        proof.put("baseline", evidence.baselines.getOrDefault(target, Map.of()));
        evidence.steps.stream()
                .filter(s -> s.target().equals(target) && s.resultEventId() != null)
                .forEach(s -> proof.put("event." + s.stepId(), s.resultEventId()));
        return proof;
    }

    private static String classes(SchemaAnalyzed analyzed) {
        return analyzed.statements().stream()
                .collect(Collectors.groupingBy(
                        s -> s.classification().name().toLowerCase().replace('_', '-'),
                        LinkedHashMap::new,
                        Collectors.counting()))
                .entrySet()
                .stream()
                .map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
    }

    static String name(MigrationState state) {
        return state.request().name();
    }
}
