package io.dbshift.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.Phase;
import io.dbshift.contracts.command.AnalyzeSchema;
import io.dbshift.contracts.command.ApplyMigration;
import io.dbshift.contracts.command.BackupTarget;
import io.dbshift.contracts.command.CaptureBaseline;
import io.dbshift.contracts.command.Command;
import io.dbshift.contracts.command.RehearseRollback;
import io.dbshift.contracts.command.RollBackTarget;
import io.dbshift.contracts.command.RunBackfill;
import io.dbshift.contracts.command.RunChecks;
import io.dbshift.contracts.event.CheckpointReached;
import io.dbshift.contracts.event.MaintenanceModeChanged;
import io.dbshift.contracts.event.MigrationCompleted;
import io.dbshift.contracts.event.MigrationEvent;
import io.dbshift.contracts.event.MigrationFailed;
import io.dbshift.contracts.event.MigrationPhaseChanged;
import io.dbshift.contracts.event.MigrationPlanned;
import io.dbshift.contracts.event.MigrationRolledBack;
import io.dbshift.contracts.request.BackfillSpec;
import io.dbshift.contracts.request.CheckSpec;
import io.dbshift.contracts.request.IrreversibleAcceptance;
import io.dbshift.contracts.request.MigrationRequest;
import io.dbshift.contracts.request.MigrationScript;
import io.dbshift.contracts.result.BackfillCompleted;
import io.dbshift.contracts.result.BackupVerified;
import io.dbshift.contracts.result.BaselineCaptured;
import io.dbshift.contracts.result.ChecksCompleted;
import io.dbshift.contracts.result.ChecksCompleted.CheckResult;
import io.dbshift.contracts.result.MigrationApplied;
import io.dbshift.contracts.result.RollbackRehearsed;
import io.dbshift.contracts.result.SchemaAnalyzed;
import io.dbshift.contracts.result.StepFailed;
import io.dbshift.contracts.result.StepResult;
import io.dbshift.contracts.result.TargetRolledBack;
import io.dbshift.contracts.result.TeamNotified;
import io.dbshift.contracts.schema.AnalysisRisk;
import io.dbshift.contracts.schema.ChangeClass;
import io.dbshift.contracts.schema.SchemaSnapshot;
import io.dbshift.contracts.schema.StatementAnalysis;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransitionTest {
    static final Instant T0 = Instant.parse("2026-12-01T22:00:00Z");

    static final MigrationRequest REQUEST = new MigrationRequest(
            "add-user-avatar",
            "production",
            "staging",
            null,
            "dba",
            List.of(new MigrationScript(
                    "2",
                    "add avatar",
                    "ALTER TABLE users ADD COLUMN avatar_url text",
                    "ALTER TABLE users DROP COLUMN avatar_url")),
            List.of(new BackfillSpec("users", "id", "avatar_url = md5(email)", "avatar_url IS NULL", 1000)),
            List.of(new CheckSpec(null, null, "unchanged", null, "users")),
            null);

    static final SchemaSnapshot SNAPSHOT = new SchemaSnapshot(
            "15.18",
            T0,
            List.of(
                    new SchemaSnapshot.TableInfo("public", "users", 200_000, 1 << 20, List.of(), List.of(), List.of()),
                    new SchemaSnapshot.TableInfo(
                            "public", "orders", 400_000, 1 << 21, List.of(), List.of(), List.of())));

    static MigrationState fresh() {
        return new MigrationState("m1", REQUEST, null, 0, new Evidence(), T0);
    }

    static MigrationState after(MigrationState s, Decision d) {
        return new MigrationState(s.id(), s.request(), d.phase(), d.stepIndex(), d.evidence(), s.createdAt());
    }

    /** The result the step in progress expects, as a healthy executor or verifier would send it. */
    static StepResult success(MigrationState s) {
        Command c = Transition.commandFor(s, s.currentStep());
        String id = c.commandId();
        String step = c.stepId();
        String target = c.target();
        if (c instanceof AnalyzeSchema) {
            return new SchemaAnalyzed(
                    id,
                    "m1",
                    step,
                    target,
                    SNAPSHOT,
                    List.of(new StatementAnalysis(
                            "2",
                            1,
                            1,
                            "ALTER TABLE users ADD COLUMN avatar_url text",
                            ChangeClass.NON_BREAKING,
                            "adds column avatar_url (nullable)",
                            List.of("users"))),
                    List.of(),
                    new AnalysisRisk(
                            "Low", List.of("every statement is non-breaking and takes its locks only briefly")),
                    List.of());
        } else if (c instanceof CaptureBaseline) {
            return new BaselineCaptured(id, "m1", step, target, Map.of("users", 200_000L));
        } else if (c instanceof BackupTarget) {
            return new BackupVerified(
                    id,
                    "m1",
                    step,
                    target,
                    "/var/lib/dbshift/backups/app-m1.dump",
                    4_096_000,
                    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    42,
                    Map.of("public.users", 200_000L, "public.orders", 10L),
                    52_000_000,
                    1_500,
                    2_100,
                    "dbshift_scratch_0a1b2c3d4e5f",
                    true,
                    List.of());
        } else if (c instanceof ApplyMigration) {
            return new MigrationApplied(id, "m1", step, target, List.of("2"), "2", 80, SNAPSHOT);
        } else if (c instanceof RehearseRollback) {
            return rehearsed(id, step, "REVERSIBLE");
        } else if (c instanceof RunBackfill) {
            return new BackfillCompleted(
                    id,
                    "m1",
                    step,
                    target,
                    List.of(new BackfillCompleted.BackfillFigures("users", 200_000, 200_000, 200, 4000, 50_000)));
        } else if (c instanceof RunChecks) {
            return new ChecksCompleted(
                    id,
                    "m1",
                    step,
                    target,
                    true,
                    List.of(new CheckResult(
                            "users unchanged",
                            "rowCount",
                            true,
                            "200000",
                            "200000",
                            "SELECT count(*) FROM users",
                            3,
                            null)));
        }
        throw new AssertionError(c);
    }

    @Test
    void startEntersDesignAndAsksTheExecutorToAnalyseProduction() {
        Decision d = Transition.start(fresh(), T0);
        assertEquals(Phase.DESIGN, d.phase());
        assertEquals(1, d.commands().size());
        AnalyzeSchema analyze =
                assertInstanceOf(AnalyzeSchema.class, d.commands().get(0));
        assertEquals("production", analyze.target());
        assertEquals("m1/design.analyze", analyze.commandId());
    }

    @Test
    void theNotifiersEvidenceFlipsTeamNotifiedOnceAndMovesNothingElse() {
        MigrationState s = after(fresh(), Transition.start(fresh(), T0));
        TeamNotified notified = new TeamNotified(
                "m1",
                "evt-plan",
                List.of(
                        new TeamNotified.Delivery("alerts", "d-1", T0),
                        new TeamNotified.Delivery("email:owner@example.test", "d-2", T0)));

        Decision d = Transition.teamNotified(s, notified, T0);

        assertTrue(d.changed());
        assertEquals(s.phase(), d.phase());
        assertEquals(s.stepIndex(), d.stepIndex());
        assertTrue(d.commands().isEmpty());
        Evidence.Checkpoint checkpoint = d.evidence().checkpoints.get(Checkpoints.TEAM_NOTIFIED);
        assertEquals("evt-plan", checkpoint.evidence().get("planEvent"));
        assertTrue(checkpoint.evidence().get("deliveries").toString().contains("deliveryId=d-2"));
        CheckpointReached reached =
                assertInstanceOf(CheckpointReached.class, d.events().get(0));
        assertEquals(Checkpoints.TEAM_NOTIFIED, reached.checkpoint());

        assertFalse(Transition.teamNotified(after(s, d), notified, T0).changed(), "a second report changes nothing");
        assertFalse(
                Transition.teamNotified(s, new TeamNotified("m1", "evt-plan", List.of()), T0)
                        .changed(),
                "no delivery is no evidence");
    }

    @Test
    void theExampleWalksEveryPhaseInOrderToCompleted() {
        MigrationState s = fresh();
        Decision d = Transition.start(s, T0);
        List<MigrationEvent> events = new ArrayList<>(d.events());
        List<String> commandSteps = new ArrayList<>();
        d.commands().forEach(c -> commandSteps.add(c.stepId()));
        s = after(s, d);
        int guard = 0;
        while (!s.phase().isTerminal() && guard++ < 20) {
            d = Transition.onResult(s, success(s), "r" + guard, T0.plusSeconds(guard));
            assertTrue(d.changed());
            events.addAll(d.events());
            d.commands().forEach(c -> commandSteps.add(c.stepId()));
            s = after(s, d);
        }
        assertEquals(Phase.COMPLETED, s.phase());
        assertEquals(
                List.of(
                        "design.analyze",
                        "staging.baseline",
                        "staging.apply",
                        "staging.backfill",
                        "staging.verify",
                        "staging.rollback",
                        "production.baseline",
                        "production.backup",
                        "production.apply",
                        "production.backfill",
                        "production.verify"),
                commandSteps);
        List<String> phases = events.stream()
                .filter(MigrationPhaseChanged.class::isInstance)
                .map(e -> ((MigrationPhaseChanged) e).to().name())
                .toList();
        assertEquals(List.of("DESIGN", "PLAN", "IMPLEMENT", "VERIFY", "COMPLETED"), phases);
        List<String> checkpoints = events.stream()
                .filter(CheckpointReached.class::isInstance)
                .map(e -> ((CheckpointReached) e).checkpoint())
                .toList();
        assertEquals(
                List.of(
                        Checkpoints.MIGRATION_REHEARSED,
                        Checkpoints.ROLLBACK_TESTED,
                        Checkpoints.BACKUP_VERIFIED,
                        Checkpoints.DATA_INTEGRITY_CHECKS_PASSING),
                checkpoints);
        assertInstanceOf(MigrationCompleted.class, events.get(events.size() - 1));
        assertEquals(11, s.evidence().steps.size());
        assertTrue(s.evidence().steps.stream().allMatch(step -> step.status().equals("succeeded")));
    }

    @Test
    void thePlanFollowsTheWorkflowTemplateWithRiskFromTheAnalysis() {
        MigrationState s = after(fresh(), Transition.start(fresh(), T0));
        Decision d = Transition.onResult(s, success(s), "r1", T0);
        MigrationPlanned planned = d.events().stream()
                .filter(MigrationPlanned.class::isInstance)
                .map(MigrationPlanned.class::cast)
                .findFirst()
                .orElseThrow();
        // 200,000 users to backfill: Medium, not Low; nothing breaking: not High.
        assertEquals("Medium", planned.riskLevel());
        for (String section : List.of(
                "## Migration: add-user-avatar",
                "**Date:** 2026-12-01",
                "**Window:**",
                "**Risk Level:** Medium",
                "### Pre-Migration Checklist",
                "### Execution Steps",
                "### Rollback Procedure",
                "### Success Criteria",
                "ALTER TABLE users DROP COLUMN avatar_url")) {
            assertTrue(planned.plan().contains(section), "plan lacks " + section + ":\n" + planned.plan());
        }
        assertEquals(Phase.IMPLEMENT, d.phase());
    }

    @Test
    void baselineFeedsTheChecksCommand() {
        MigrationState s = after(fresh(), Transition.start(fresh(), T0));
        for (int i = 0; i < 4; i++) { // analyze, baseline, apply, backfill
            s = after(s, Transition.onResult(s, success(s), "r" + i, T0));
        }
        RunChecks checks = assertInstanceOf(RunChecks.class, Transition.commandFor(s, s.currentStep()));
        assertEquals("staging", checks.target());
        assertEquals(Map.of("users", 200_000L), checks.baseline());
    }

    @Test
    void aFailedApplyFailsTheMigrationWithTheDatabasesReasonAndSendsNothingMore() {
        MigrationState s = after(fresh(), Transition.start(fresh(), T0));
        s = after(s, Transition.onResult(s, success(s), "r1", T0));
        s = after(s, Transition.onResult(s, success(s), "r2", T0));
        assertEquals("staging.apply", s.currentStep().id());
        Decision d = Transition.onResult(
                s,
                new StepFailed(
                        "m1/staging.apply",
                        "m1",
                        "staging.apply",
                        "staging",
                        "ERROR: column \"avatar_url\" of relation \"users\" already exists",
                        "42701"),
                "r3",
                T0);
        assertEquals(Phase.FAILED, d.phase());
        assertTrue(d.commands().isEmpty());
        MigrationFailed failed = assertInstanceOf(
                MigrationFailed.class, d.events().get(d.events().size() - 1));
        assertTrue(failed.reason().contains("already exists"));
        assertTrue(d.evidence().failure.contains("staging.apply"));
        assertFalse(d.evidence().checkpoints.containsKey(Checkpoints.MIGRATION_REHEARSED));
    }

    @Test
    void failingChecksFailTheMigrationNamingEachCheckAndFlipNoCheckpoint() {
        MigrationState s = after(fresh(), Transition.start(fresh(), T0));
        for (int i = 0; i < 4; i++) {
            s = after(s, Transition.onResult(s, success(s), "r" + i, T0));
        }
        Decision d = Transition.onResult(
                s,
                new ChecksCompleted(
                        "m1/staging.verify",
                        "m1",
                        "staging.verify",
                        "staging",
                        false,
                        List.of(new CheckResult(
                                "every user has an avatar", "sql", false, "0", "12", "SELECT ...", 2, null))),
                "r9",
                T0);
        assertEquals(Phase.FAILED, d.phase());
        assertTrue(
                d.evidence().failure.contains("\"every user has an avatar\" expected 0, found 12"),
                d.evidence().failure);
        assertTrue(d.evidence().checkpoints.isEmpty());
    }

    @Test
    void theVerifiedBackupIsTheEvidenceOfItsCheckpointAndPrecedesTheProductionApply() {
        MigrationState s = after(fresh(), Transition.start(fresh(), T0));
        while (!s.currentStep().id().equals("production.backup")) {
            s = after(s, Transition.onResult(s, success(s), "r", T0));
        }
        assertFalse(s.evidence().checkpoints.containsKey(Checkpoints.BACKUP_VERIFIED));
        assertInstanceOf(BackupTarget.class, Transition.commandFor(s, s.currentStep()));

        Decision d = Transition.onResult(s, success(s), "m1/production.backup/result", T0);

        Evidence.Checkpoint backup = d.evidence().checkpoints.get(Checkpoints.BACKUP_VERIFIED);
        assertEquals("m1/production.backup/result", backup.evidence().get("backupEventId"));
        assertEquals("/var/lib/dbshift/backups/app-m1.dump", backup.evidence().get("archive"));
        assertEquals(200_010L, backup.evidence().get("rowsRestored"));
        assertEquals(2, backup.evidence().get("tablesRestored"));
        assertTrue(d.evidence().step("production.backup").summary().contains("sha256 9f86d0"));
        ApplyMigration apply =
                assertInstanceOf(ApplyMigration.class, d.commands().get(0));
        assertEquals("production", apply.target());
    }

    static RollbackRehearsed rehearsed(String id, String step, String verdict) {
        return switch (verdict) {
            case "REVERSIBLE" ->
                new RollbackRehearsed(
                        id,
                        "m1",
                        step,
                        "staging",
                        verdict,
                        List.of(),
                        null,
                        List.of(),
                        Map.of("users", 200_000L),
                        List.of("users AccessExclusiveLock"),
                        12,
                        9,
                        true,
                        List.of("public.orders"));
            case "DOWN_FAILED" ->
                new RollbackRehearsed(
                        id,
                        "m1",
                        step,
                        "staging",
                        verdict,
                        List.of(),
                        "U2__add_avatar.sql:1: column \"avatar\" of relation \"users\" does not exist (SQLSTATE 42703)",
                        List.of(),
                        Map.of(),
                        List.of(),
                        3,
                        0,
                        true,
                        List.of());
            default ->
                new RollbackRehearsed(
                        id, "m1", step, "staging", verdict, List.of(), null, List.of(), Map.of(), List.of(), 0, 0, true,
                        List.of());
        };
    }

    static MigrationState atStep(MigrationState s, String stepId) {
        while (!s.currentStep().id().equals(stepId)) {
            s = after(s, Transition.onResult(s, success(s), "r", T0));
        }
        return s;
    }

    @Test
    void theRollbackIsRehearsedOnStagingWithWhatTheApplyRecordedAndItsProofFlipsTheCheckpoint() {
        MigrationState s = atStep(after(fresh(), Transition.start(fresh(), T0)), "staging.rollback");
        RehearseRollback command = assertInstanceOf(RehearseRollback.class, Transition.commandFor(s, s.currentStep()));
        assertEquals("staging", command.target());
        assertEquals(
                List.of("2"),
                command.migrations().stream().map(MigrationScript::version).toList());
        assertEquals(SNAPSHOT, command.schemaBefore());
        assertEquals(Map.of("users", 200_000L), command.baseline());
        // users is changed by the migration's statement and its backfill; orders is not.
        assertEquals(List.of("public.orders"), command.unchangedTables());

        Decision d = Transition.onResult(
                s,
                rehearsed("m1/staging.rollback", "staging.rollback", "REVERSIBLE"),
                "m1/staging.rollback/result",
                T0);

        Evidence.Checkpoint tested = d.evidence().checkpoints.get(Checkpoints.ROLLBACK_TESTED);
        assertEquals("m1/staging.rollback/result", tested.evidence().get("rollbackEventId"));
        assertEquals(List.of("users AccessExclusiveLock"), tested.evidence().get("locks"));
        assertEquals(List.of(), tested.evidence().get("schemaDifferences"));
        assertEquals("production.baseline", d.commands().get(0).stepId());
    }

    @Test
    void aFailedRollbackStopsTheMigrationBeforeProductionSayingHowToGoOn() {
        MigrationState s = atStep(after(fresh(), Transition.start(fresh(), T0)), "staging.rollback");

        Decision d =
                Transition.onResult(s, rehearsed("m1/staging.rollback", "staging.rollback", "DOWN_FAILED"), "r", T0);

        assertEquals(Phase.FAILED, d.phase());
        assertTrue(d.commands().isEmpty());
        assertTrue(
                d.evidence().failure.contains("the down script was refused on staging: U2__add_avatar.sql:1"),
                d.evidence().failure);
        assertTrue(d.evidence().failure.contains("accept it as irreversible in the request"), d.evidence().failure);
        assertFalse(d.evidence().checkpoints.containsKey(Checkpoints.ROLLBACK_TESTED));
    }

    @Test
    void anOperatorsAcceptanceLetsAnIrreversibleMigrationGoOnRecordingWhoAndWhy() {
        MigrationRequest accepted = withoutDown("restoring the verified backup is the rollback", null);
        MigrationState start = new MigrationState("m1", accepted, null, 0, new Evidence(), T0);
        MigrationState s = atStep(after(start, Transition.start(start, T0)), "staging.rollback");

        Decision d =
                Transition.onResult(s, rehearsed("m1/staging.rollback", "staging.rollback", "IRREVERSIBLE"), "r", T0);

        assertEquals(Phase.IMPLEMENT, d.phase());
        assertEquals("production.baseline", d.commands().get(0).stepId());
        assertFalse(d.evidence().checkpoints.containsKey(Checkpoints.ROLLBACK_TESTED));
        assertEquals("alice@example.com", d.evidence().irreversibleAccepted.get("acceptedBy"));
        assertTrue(d.evidence()
                .step("staging.rollback")
                .summary()
                .contains("accepted as irreversible by alice@example.com"));
    }

    @Test
    void whenStagingHadTheVersionsBeforeTheirDownsAreProvenButTheCheckpointIsNotClaimed() {
        MigrationState s = after(fresh(), Transition.start(fresh(), T0));
        while (!s.currentStep().id().equals("staging.rollback")) {
            StepResult result = success(s);
            if (result instanceof MigrationApplied applied) {
                // Flyway applied nothing: staging had version 2 before this migration.
                result = new MigrationApplied(
                        applied.commandId(), "m1", applied.stepId(), applied.target(), List.of(), "2", 5, SNAPSHOT);
            }
            s = after(s, Transition.onResult(s, result, "r", T0));
        }
        RehearseRollback command = assertInstanceOf(RehearseRollback.class, Transition.commandFor(s, s.currentStep()));
        assertEquals(
                List.of("2"),
                command.migrations().stream().map(MigrationScript::version).toList());
        assertNull(command.schemaBefore(), "the schema before version 2 is not known on staging");

        RollbackRehearsed redoOnly = new RollbackRehearsed(
                "m1/staging.rollback",
                "m1",
                "staging.rollback",
                "staging",
                "REVERSIBLE",
                List.of(),
                null,
                List.of(),
                Map.of(),
                List.of(),
                4,
                3,
                false,
                List.of());
        Decision d = Transition.onResult(s, redoOnly, "r", T0);

        assertEquals(Phase.IMPLEMENT, d.phase());
        assertFalse(d.evidence().checkpoints.containsKey(Checkpoints.ROLLBACK_TESTED));
        assertTrue(d.evidence().step("staging.rollback").summary().contains("is not claimed"));
    }

    static ChecksCompleted failingChecks(String target) {
        return new ChecksCompleted(
                "m1/" + target + ".verify",
                "m1",
                target + ".verify",
                target,
                false,
                List.of(new CheckResult("every user has an avatar", "sql", false, "0", "12", "SELECT ...", 2, null)));
    }

    @Test
    void failingProductionChecksRollProductionBackByTheDownScriptsStagingProved() {
        MigrationState s = atStep(after(fresh(), Transition.start(fresh(), T0)), "production.verify");
        Decision d = Transition.onResult(s, failingChecks("production"), "r", T0);

        assertEquals(Phase.VERIFY, d.phase());
        RollBackTarget command =
                assertInstanceOf(RollBackTarget.class, d.commands().get(0));
        assertEquals("down", command.method());
        assertEquals(
                List.of("2"),
                command.migrations().stream().map(MigrationScript::version).toList());
        assertEquals(SNAPSHOT, command.schemaBefore());
        assertEquals(Map.of("users", 200_000L), command.expectedRowCounts());
        assertFalse(
                d.events().stream().anyMatch(MaintenanceModeChanged.class::isInstance), "no restore, no maintenance");
        s = after(s, d);

        d = Transition.onResult(s, rolledBack("down", Map.of("users", 200_000L), 40), "r", T0);

        assertEquals(Phase.FAILED, d.phase());
        MigrationRolledBack rolledBack = d.events().stream()
                .filter(MigrationRolledBack.class::isInstance)
                .map(MigrationRolledBack.class::cast)
                .findFirst()
                .orElseThrow();
        assertTrue(rolledBack.verified());
        MigrationFailed failed = assertInstanceOf(
                MigrationFailed.class, d.events().get(d.events().size() - 1));
        assertEquals("production.verify", failed.stepId());
        assertTrue(
                failed.reason()
                        .startsWith("0 of 1 integrity checks passed on production: \"every user has an avatar\""),
                failed.reason());
        assertTrue(failed.reason().contains("production was rolled back by its down scripts"), failed.reason());
        assertTrue(failed.reason().contains("verified: schema as before the migration"), failed.reason());
    }

    @Test
    void withoutAProvenRollbackProductionIsRestoredFromItsBackupInMaintenanceMode() {
        MigrationRequest accepted = withoutDown("the backup is the rollback", "restore");
        MigrationState s = irreversibleAtProductionVerify(accepted);
        Decision d = Transition.onResult(s, failingChecks("production"), "r", T0);

        RollBackTarget command =
                assertInstanceOf(RollBackTarget.class, d.commands().get(0));
        assertEquals("restore", command.method());
        assertEquals("/var/lib/dbshift/backups/app-m1.dump", command.archive());
        assertEquals(Map.of("public.users", 200_000L, "public.orders", 10L), command.expectedRowCounts());
        MaintenanceModeChanged on = d.events().stream()
                .filter(MaintenanceModeChanged.class::isInstance)
                .map(MaintenanceModeChanged.class::cast)
                .findFirst()
                .orElseThrow();
        assertTrue(on.on());
        s = after(s, d);

        d = Transition.onResult(s, rolledBack("restore", Map.of("public.users", 200_000L), 900), "r", T0);

        assertEquals(Phase.FAILED, d.phase());
        assertTrue(d.events().stream().anyMatch(e -> e instanceof MaintenanceModeChanged m && !m.on()));
        assertTrue(d.evidence().failure.contains("rolled back from its verified backup"), d.evidence().failure);
    }

    @Test
    void byDefaultProductionIsNotRestoredWithoutProvenDownsItFailsForAnOperator() {
        MigrationRequest accepted = withoutDown("the backup is the rollback", null);
        MigrationState s = irreversibleAtProductionVerify(accepted);

        Decision d = Transition.onResult(s, failingChecks("production"), "r", T0);

        assertEquals(Phase.FAILED, d.phase(), "a restore loses writes: only onFailedVerification restore allows it");
        assertTrue(d.commands().isEmpty());
        s = after(s, d);
        Decision refused = Transition.rollbackRequested(s, "alice", "checks failed", false, T0);
        assertFalse(refused.changed());
        assertTrue(refused.note().contains("Ask again accepting the data loss"), refused.note());
        Decision restore = Transition.rollbackRequested(s, "alice", "checks failed", true, T0);
        assertEquals(
                "restore",
                assertInstanceOf(RollBackTarget.class, restore.commands().get(0))
                        .method());
    }

    @Test
    void aRequestThatSaysStopLeavesProductionAsItIsForAnOperator() {
        MigrationRequest stop = new MigrationRequest(
                REQUEST.name(),
                REQUEST.target(),
                REQUEST.staging(),
                null,
                "dba",
                REQUEST.migrations(),
                REQUEST.backfills(),
                REQUEST.checks(),
                null,
                null,
                "stop");
        MigrationState start = new MigrationState("m1", stop, null, 0, new Evidence(), T0);
        MigrationState s = atStep(after(start, Transition.start(start, T0)), "production.verify");

        Decision d = Transition.onResult(s, failingChecks("production"), "r", T0);

        assertEquals(Phase.FAILED, d.phase());
        assertTrue(d.commands().isEmpty());
    }

    /** The executor's answer to a rollback that verified. */
    static TargetRolledBack rolledBack(String method, Map<String, Long> rowCounts, long millis) {
        return new TargetRolledBack(
                "m1/production.rollback",
                "m1",
                "production.rollback",
                "production",
                method,
                true,
                List.of(),
                rowCounts,
                millis,
                method.equals("restore") ? "shop_replaced_20261125_061500" : null);
    }

    /** The example with no down script, accepted as irreversible by alice for the given reason, and a policy. */
    static MigrationRequest withoutDown(String reason, String onFailedVerification) {
        return new MigrationRequest(
                REQUEST.name(),
                REQUEST.target(),
                REQUEST.staging(),
                null,
                "dba",
                List.of(new MigrationScript("2", "add avatar", "ALTER TABLE users ADD COLUMN avatar_url text", null)),
                REQUEST.backfills(),
                REQUEST.checks(),
                null,
                new IrreversibleAcceptance("alice@example.com", reason),
                onFailedVerification);
    }

    /** A migration without a down script, its rehearsal found IRREVERSIBLE, run up to production's checks. */
    static MigrationState irreversibleAtProductionVerify(MigrationRequest request) {
        MigrationState start = new MigrationState("m1", request, null, 0, new Evidence(), T0);
        MigrationState s = after(start, Transition.start(start, T0));
        while (!s.currentStep().id().equals("production.verify")) {
            StepResult result = s.currentStep().id().equals("staging.rollback")
                    ? rehearsed("m1/staging.rollback", "staging.rollback", "IRREVERSIBLE")
                    : success(s);
            s = after(s, Transition.onResult(s, result, "r", T0));
        }
        return s;
    }

    static MigrationState completed() {
        MigrationState s = after(fresh(), Transition.start(fresh(), T0));
        while (!s.phase().isTerminal()) {
            s = after(s, Transition.onResult(s, success(s), "r", T0));
        }
        return s;
    }

    @Test
    void anOperatorRollsACompletedMigrationBackAndItEndsRolledBack() {
        MigrationState s = completed();
        assertEquals(Phase.COMPLETED, s.phase());

        Decision d = Transition.rollbackRequested(s, "alice@example.com", "checkout errors since 14:02", T0);

        assertEquals(Phase.ROLLING_BACK, d.phase());
        RollBackTarget command =
                assertInstanceOf(RollBackTarget.class, d.commands().get(0));
        assertEquals("down", command.method(), "staging proved the downs");
        assertEquals("alice@example.com", d.evidence().rollbackRequest.get("requestedBy"));
        MigrationPhaseChanged changed =
                assertInstanceOf(MigrationPhaseChanged.class, d.events().get(0));
        assertEquals(Phase.COMPLETED, changed.from());
        assertTrue(changed.reason().contains("asked by alice@example.com: checkout errors since 14:02"));
        s = after(s, d);

        d = Transition.onResult(s, rolledBack("down", Map.of("users", 200_000L), 30), "r", T0);

        assertEquals(Phase.ROLLED_BACK, d.phase());
        assertTrue(d.events().stream().anyMatch(MigrationRolledBack.class::isInstance));
        assertFalse(d.events().stream().anyMatch(MigrationFailed.class::isInstance));
        assertEquals(
                "production was rolled back already: see the report",
                Transition.rollbackRequested(after(s, d), "bob", "again", T0).note());
    }

    @Test
    void anApplyThatFailsPartWayRecordsTheVersionsItLeftApplied() {
        MigrationState s = atStep(after(fresh(), Transition.start(fresh(), T0)), "production.apply");

        Decision d = Transition.onResult(
                s,
                new StepFailed(
                        "m1/production.apply",
                        "m1",
                        "production.apply",
                        "production",
                        "ERROR: relation \"no_such_table\" does not exist",
                        "42P01",
                        List.of("2")),
                "r",
                T0);

        assertEquals(Phase.FAILED, d.phase());
        assertEquals(List.of("2"), d.evidence().appliedVersions.get("production"));
        assertTrue(d.evidence().failure.contains("Version(s) 2 were applied before it and stay applied"));
        Decision asked = Transition.rollbackRequested(after(s, d), "alice", "half applied", false, T0);
        assertFalse(asked.note() != null && asked.note().contains("changed nothing"), String.valueOf(asked.note()));
    }

    @Test
    void aRollbackIsRefusedWhileTheMigrationRunsOrWhenProductionWasNotChanged() {
        MigrationState running = atStep(after(fresh(), Transition.start(fresh(), T0)), "production.apply");
        Decision d = Transition.rollbackRequested(running, "alice", "why", T0);
        assertFalse(d.changed());
        assertTrue(d.note().contains("still running"), d.note());

        MigrationState failedOnStaging = after(
                running,
                Transition.onResult(
                        atStep(after(fresh(), Transition.start(fresh(), T0)), "staging.apply"),
                        new StepFailed("m1/staging.apply", "m1", "staging.apply", "staging", "no", null),
                        "r",
                        T0));
        d = Transition.rollbackRequested(failedOnStaging, "alice", "why", T0);
        assertFalse(d.changed());
        assertTrue(d.note().contains("changed nothing on production"), d.note());
    }

    @Test
    void aFailedBackupStopsTheMigrationBeforeProductionIsTouched() {
        MigrationState s = after(fresh(), Transition.start(fresh(), T0));
        while (!s.currentStep().id().equals("production.backup")) {
            s = after(s, Transition.onResult(s, success(s), "r", T0));
        }
        Decision d = Transition.onResult(
                s,
                new StepFailed(
                        "m1/production.backup",
                        "m1",
                        "production.backup",
                        "production",
                        "the test restore of app-m1.dump into dbshift_scratch_1 failed: pg_restore: error: could not"
                                + " read input file: end of file",
                        null),
                "r",
                T0);
        assertEquals(Phase.FAILED, d.phase());
        assertTrue(d.commands().isEmpty(), "no apply is sent");
        assertFalse(d.evidence().checkpoints.containsKey(Checkpoints.BACKUP_VERIFIED));
        assertTrue(d.evidence().failure.contains("test restore"), d.evidence().failure);
    }

    @Test
    void aRedeliveredResultForAnEarlierStepChangesNothing() {
        MigrationState s = after(fresh(), Transition.start(fresh(), T0));
        StepResult analyzed = success(s);
        s = after(s, Transition.onResult(s, analyzed, "r1", T0));
        Decision again = Transition.onResult(s, analyzed, "r1", T0);
        assertFalse(again.changed());
        assertTrue(again.events().isEmpty());
        assertTrue(again.commands().isEmpty());
        assertEquals(s.stepIndex(), again.stepIndex());
    }

    @Test
    void aResultOfTheWrongKindForTheStepIsIgnored() {
        MigrationState s = after(fresh(), Transition.start(fresh(), T0));
        Decision d = Transition.onResult(
                s,
                new MigrationApplied("m1/design.analyze", "m1", "design.analyze", "production", List.of(), "2", 1),
                "r1",
                T0);
        assertFalse(d.changed());
    }

    @Test
    void aTerminalMigrationIgnoresLateResults() {
        MigrationState done = new MigrationState("m1", REQUEST, Phase.COMPLETED, 9, new Evidence(), T0);
        Decision d = Transition.onResult(
                done, new StepFailed("x", "m1", "production.verify", "production", "late", null), "r", T0);
        assertFalse(d.changed());
        assertNull(d.evidence().failure);
    }

    @Test
    void decidingNeverMutatesTheStateItDecidesFrom() {
        MigrationState s = after(fresh(), Transition.start(fresh(), T0));
        int stepsBefore = s.evidence().steps.size();
        Transition.onResult(s, success(s), "r1", T0);
        assertEquals(stepsBefore, s.evidence().steps.size());
        assertNull(s.evidence().riskLevel);
    }
}
