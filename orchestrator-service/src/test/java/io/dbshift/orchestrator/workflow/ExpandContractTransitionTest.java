package io.dbshift.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.Phase;
import io.dbshift.contracts.command.ApplyMigration;
import io.dbshift.contracts.command.Command;
import io.dbshift.contracts.command.ReshapeSchema;
import io.dbshift.contracts.command.RollBackTarget;
import io.dbshift.contracts.event.MigrationHeld;
import io.dbshift.contracts.event.SchemaStageReached;
import io.dbshift.contracts.request.CheckSpec;
import io.dbshift.contracts.request.MigrationRequest;
import io.dbshift.contracts.request.SchemaOperation;
import io.dbshift.contracts.result.MigrationApplied;
import io.dbshift.contracts.result.SchemaReshaped;
import io.dbshift.contracts.result.StepFailed;
import io.dbshift.contracts.result.StepResult;
import io.dbshift.contracts.schema.ReshapeStage;
import io.dbshift.orchestrator.plan.PlanStep;
import io.dbshift.orchestrator.report.ReportDocument;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A request of expand/contract operations only, through the workflow: its steps, the switch wait, the rollback. */
class ExpandContractTransitionTest {
    static final MigrationRequest REQUEST = new MigrationRequest(
            "rename-bid",
            "production",
            "staging",
            null,
            "dba",
            List.of(),
            List.of(),
            List.of(new CheckSpec(null, null, "unchanged", null, "accounts")),
            null,
            null,
            null,
            null,
            List.of(SchemaOperation.renameColumn("accounts", "bid", "branch_id")),
            "billing-v1");

    static MigrationState fresh() {
        return new MigrationState("m1", REQUEST, null, 0, new Evidence(), TransitionTest.T0);
    }

    /** What a healthy executor or verifier answers for the step in progress. */
    static StepResult success(MigrationState s) {
        Command c = Transition.commandFor(s, s.currentStep());
        if (c instanceof ApplyMigration) {
            return new MigrationApplied(
                    c.commandId(), "m1", c.stepId(), c.target(), List.of(), null, 10, TransitionTest.SNAPSHOT);
        }
        if (c instanceof ReshapeSchema r) {
            return new SchemaReshaped(
                    c.commandId(),
                    "m1",
                    c.stepId(),
                    c.target(),
                    r.stage(),
                    List.of(new SchemaReshaped.ShapeChange(
                            "rename-column accounts.bid -> branch_id",
                            "accounts",
                            List.of("bid"),
                            List.of("branch_id"),
                            r.stage() == ReshapeStage.BACKFILLED ? 1000 : 0,
                            5)),
                    r.rehearseRollback() ? List.of() : null);
        }
        return TransitionTest.success(s);
    }

    /** Runs healthy steps until the migration is at {@code stepId} (its command sent) or waits. */
    static MigrationState runTo(String stepId) {
        MigrationState s = fresh();
        Decision d = Transition.start(s, TransitionTest.T0);
        s = TransitionTest.after(s, d);
        while (!s.currentStep().id().equals(stepId)) {
            d = Transition.onResult(s, success(s), "e-" + s.currentStep().id(), TransitionTest.T0);
            assertTrue(d.changed(), d.note());
            s = TransitionTest.after(s, d);
        }
        return s;
    }

    @Test
    void operationsAddExpandFillSwitchBeforeVerifyAndContractAfterIt() {
        List<String> steps = fresh().steps().stream().map(PlanStep::id).toList();
        assertEquals(
                List.of(
                        "design.analyze",
                        "staging.baseline",
                        "staging.apply",
                        "staging.expand",
                        "staging.fill",
                        "staging.switch",
                        "staging.verify",
                        "staging.contract",
                        "production.baseline",
                        "production.backup",
                        "production.apply",
                        "production.expand",
                        "production.fill",
                        "production.switch",
                        "production.verify",
                        "production.contract",
                        "production.rollback"),
                steps);
    }

    @Test
    void stagingRehearsesTheExpandsRollbackAndThatFlipsRollbackTested() {
        MigrationState s = runTo("staging.expand");
        ReshapeSchema expand = assertInstanceOf(ReshapeSchema.class, Transition.commandFor(s, s.currentStep()));
        assertTrue(expand.rehearseRollback());
        assertEquals(ReshapeStage.EXPANDED, expand.stage());
        Decision d = Transition.onResult(s, success(s), "e-expand", TransitionTest.T0);
        assertNotNull(d.evidence().checkpoints.get(Checkpoints.ROLLBACK_TESTED));
        MigrationState p = runTo("production.expand");
        assertFalse(assertInstanceOf(ReshapeSchema.class, Transition.commandFor(p, p.currentStep()))
                .rehearseRollback());
    }

    @Test
    void aRehearsedRollbackThatLeftDifferencesFailsTheMigration() {
        MigrationState s = runTo("staging.expand");
        Decision d = Transition.onResult(
                s,
                new SchemaReshaped(
                        "m1/staging.expand",
                        "m1",
                        "staging.expand",
                        "staging",
                        ReshapeStage.ROLLED_BACK,
                        List.of(),
                        List.of("column accounts.branch_id still exists")),
                "e",
                TransitionTest.T0);
        assertEquals(Phase.FAILED, d.phase());
        assertTrue(d.evidence().failure.contains("branch_id still exists"), d.evidence().failure);
    }

    @Test
    void productionWaitsBeforeContractUntilTheApplicationSwitches() {
        MigrationState s = runTo("production.switch");
        Decision ready = Transition.onResult(s, success(s), "e-switch", TransitionTest.T0);
        SchemaStageReached reached = ready.events().stream()
                .filter(SchemaStageReached.class::isInstance)
                .map(SchemaStageReached.class::cast)
                .findFirst()
                .orElseThrow();
        assertEquals(ReshapeStage.READY, reached.stage());
        assertTrue(reached.whatToDo().contains("ApplicationSwitched"), reached.whatToDo());
        s = TransitionTest.after(s, ready);
        // Verify passes; contract waits for the switch, and sends nothing.
        Decision verified = Transition.onResult(s, success(s), "e-verify", TransitionTest.T0);
        assertTrue(verified.commands().isEmpty(), verified.commands().toString());
        MigrationHeld held = verified.events().stream()
                .filter(MigrationHeld.class::isInstance)
                .map(MigrationHeld.class::cast)
                .findFirst()
                .orElseThrow();
        assertEquals(MigrationHeld.SWITCH, held.waitingFor());
        assertEquals("production.contract", held.stepId());
        s = TransitionTest.after(s, verified);

        Decision switched = OperatorActions.switched(s, "billing", "2.4.0", TransitionTest.T0, ApprovalPolicy.NONE);
        ReshapeSchema contract =
                assertInstanceOf(ReshapeSchema.class, switched.commands().get(0));
        assertEquals(ReshapeStage.CONTRACTED, contract.stage());
        assertEquals("billing-v1", contract.oldApplication(), "contract waits for the old version's sessions");
        assertEquals("billing", switched.evidence().switched.get("by"));
        s = TransitionTest.after(s, switched);
        Decision done = Transition.onResult(s, success(s), "e-contract", TransitionTest.T0);
        assertEquals(Phase.COMPLETED, done.phase());
    }

    @Test
    void aSwitchBeforeTheNewSchemaIsReadyIsRefusedAndNextReleasesTheWaitToo() {
        MigrationState early = runTo("production.fill");
        Decision refused = OperatorActions.switched(early, "billing", null, TransitionTest.T0, ApprovalPolicy.NONE);
        assertFalse(refused.changed());
        assertTrue(refused.note().contains("not ready"), refused.note());

        MigrationState s = runTo("production.contract");
        assertEquals(MigrationHeld.SWITCH, s.evidence().hold.waitingFor());
        Decision next = OperatorActions.next(s, "alice", "billing 2.4 is out", TransitionTest.T0, ApprovalPolicy.NONE);
        assertInstanceOf(ReshapeSchema.class, next.commands().get(0));
        assertEquals("dbshift next", next.evidence().switched.get("via"));
    }

    /** The executor's answer when production's contract failed, with the stage it found the operations at after. */
    static StepFailed contractFailed(Command contract, ReshapeStage after) {
        return new StepFailed(
                contract.commandId(),
                "m1",
                contract.stepId(),
                contract.target(),
                "1 session(s) of the old version (application_name billing-v1) are still connected after 300 s",
                null,
                List.of(),
                after);
    }

    @Test
    void aContractThatDidNotHappenWaitsForTheSwitchAgainAndTheNextSwitchTriesOnceMore() {
        MigrationState s = runTo("production.contract");
        Decision switched =
                OperatorActions.switched(s, "billing", "2.4.0", "ce:deploy-1", TransitionTest.T0, ApprovalPolicy.NONE);
        Command first = switched.commands().get(0);
        s = TransitionTest.after(s, switched);

        Decision refused =
                Transition.onResult(s, contractFailed(first, ReshapeStage.READY), "e-contract-1", TransitionTest.T0);
        assertEquals(s.phase(), refused.phase(), "the migration goes on waiting, it does not fail");
        assertTrue(refused.commands().isEmpty(), refused.commands().toString());
        assertNull(refused.evidence().switched, "the switch is asked for again");
        assertEquals(
                "billing",
                ((Map<?, ?>) refused.evidence().contractRefusals.get(0).get("switched")).get("by"));
        MigrationHeld held = refused.events().stream()
                .filter(MigrationHeld.class::isInstance)
                .map(MigrationHeld.class::cast)
                .findFirst()
                .orElseThrow();
        assertEquals(MigrationHeld.SWITCH, held.waitingFor());
        assertTrue(held.reason().contains("did not happen (try 1)"), held.reason());
        assertTrue(held.reason().contains("billing-v1"), held.reason());
        assertTrue(held.reason().contains("move it back to the old ones first"), held.reason());
        s = TransitionTest.after(s, refused);
        assertTrue(
                Transition.rollbackRequested(s, "alice", "give up", TransitionTest.T0)
                        .changed(),
                "a rollback is still instant while it waits again");
        assertFalse(
                OperatorActions.switched(s, "billing", "2.4.0", "ce:deploy-1", TransitionTest.T0, ApprovalPolicy.NONE)
                        .changed(),
                "the first switch's event, delivered again, does not start another try");

        Decision again =
                OperatorActions.switched(s, "billing", "2.4.0", "ce:deploy-2", TransitionTest.T0, ApprovalPolicy.NONE);
        Command second = again.commands().get(0);
        assertNotEquals(first.commandId(), second.commandId(), "a new try is a new command");
        assertTrue(second.commandId().endsWith("/try-2"), second.commandId());
        s = TransitionTest.after(s, again);
        assertFalse(
                Transition.onResult(
                                s,
                                contractFailed(first, ReshapeStage.READY),
                                "e-contract-1-redelivered",
                                TransitionTest.T0)
                        .changed(),
                "a late answer to the first try is ignored");
        Decision done = Transition.onResult(s, success(s), "e-contract-2", TransitionTest.T0);
        assertEquals(Phase.COMPLETED, done.phase(), done.note());
        String report = ReportDocument.render(
                "m1", "rename-bid", "production", "staging", done.phase(), done.evidence(), TransitionTest.T0, null);
        assertTrue(report.contains("Contract tries that did not happen"), report);
        assertTrue(report.contains("billing-v1"), report);
    }

    @Test
    void aContractThatFailedAfterItHappenedOrWithoutAStageFailsTheMigration() {
        MigrationState s = runTo("production.contract");
        Decision next = OperatorActions.next(s, "alice", "billing 2.4 is out", TransitionTest.T0, ApprovalPolicy.NONE);
        Command contract = next.commands().get(0);
        s = TransitionTest.after(s, next);

        Decision after =
                Transition.onResult(s, contractFailed(contract, ReshapeStage.CONTRACTED), "e", TransitionTest.T0);
        assertEquals(Phase.FAILED, after.phase());
        assertEquals("CONTRACTED", after.evidence().reshapes.get("production"), "the old columns are gone");
        MigrationState failed = TransitionTest.after(s, after);
        Decision rollback = Transition.rollbackRequested(failed, "alice", "undo", TransitionTest.T0);
        assertFalse(rollback.changed(), "dropping the new shape is no rollback once the old one is gone");

        Decision unknown = Transition.onResult(s, contractFailed(contract, null), "e", TransitionTest.T0);
        assertEquals(Phase.FAILED, unknown.phase(), "when the executor cannot say what happened, nothing is retried");
    }

    @Test
    void whileItWaitsForTheSwitchAnOperatorCanRollBackInstantly() {
        MigrationState s = runTo("production.contract");
        Decision d = Transition.rollbackRequested(s, "alice", "billing 2.4 fails on the new column", TransitionTest.T0);
        assertEquals(Phase.ROLLING_BACK, d.phase(), d.note());
        RollBackTarget rollback =
                assertInstanceOf(RollBackTarget.class, d.commands().get(0));
        assertEquals("down", rollback.method(), "dropping the new shape: no backup, no data loss");
        MigrationState running = runTo("production.fill");
        assertFalse(Transition.rollbackRequested(running, "alice", "why", TransitionTest.T0)
                .changed());
    }

    @Test
    void failedChecksAfterTheApplicationSwitchedDoNotDropItsColumns() {
        MigrationState s = runTo("production.verify");
        s = TransitionTest.after(
                s, OperatorActions.switched(s, "billing", "2.4.0", TransitionTest.T0, ApprovalPolicy.NONE));
        Decision d = Transition.onResult(s, TransitionTest.failingChecks("production"), "e", TransitionTest.T0);
        assertEquals(Phase.FAILED, d.phase());
        assertTrue(d.commands().isEmpty(), "no automatic rollback under an application on the new shape");
        assertTrue(d.evidence().failure.contains("move the application back"), d.evidence().failure);
    }

    @Test
    void failedChecksBeforeContractRollBackByDroppingTheNewShape() {
        MigrationState s = runTo("production.verify");
        Decision d = Transition.onResult(s, TransitionTest.failingChecks("production"), "e", TransitionTest.T0);
        RollBackTarget rollback =
                assertInstanceOf(RollBackTarget.class, d.commands().get(0));
        assertEquals("down", rollback.method());
    }
}
