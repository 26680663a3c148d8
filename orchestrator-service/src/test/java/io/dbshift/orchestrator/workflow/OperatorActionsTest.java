package io.dbshift.orchestrator.workflow;

import static io.dbshift.orchestrator.workflow.TransitionTest.REQUEST;
import static io.dbshift.orchestrator.workflow.TransitionTest.T0;
import static io.dbshift.orchestrator.workflow.TransitionTest.after;
import static io.dbshift.orchestrator.workflow.TransitionTest.success;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.Phase;
import io.dbshift.contracts.event.CheckpointReached;
import io.dbshift.contracts.event.MigrationFailed;
import io.dbshift.contracts.event.MigrationHeld;
import io.dbshift.contracts.event.StepStarted;
import io.dbshift.contracts.request.MigrationRequest;
import io.dbshift.contracts.request.Window;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Approvals, windows and the other things operators do to a running migration. */
class OperatorActionsTest {
    /** A policy that asks one approval at every risk, so that the example waits. */
    private static final ApprovalPolicy ONE_AT_EVERY_RISK = new ApprovalPolicy(Set.of("Low", "Medium", "High"), 1);

    private static MigrationRequest withWindow(Instant start, Instant end) {
        return example(
                new Window(
                        OffsetDateTime.ofInstant(start, ZoneOffset.UTC),
                        end == null ? null : OffsetDateTime.ofInstant(end, ZoneOffset.UTC),
                        "UTC"),
                false);
    }

    /** The example with a window (or none) and in manual mode or not. */
    private static MigrationRequest example(Window window, boolean manual) {
        return new MigrationRequest(
                REQUEST.name(),
                REQUEST.target(),
                REQUEST.staging(),
                window,
                REQUEST.requestedBy(),
                REQUEST.migrations(),
                REQUEST.backfills(),
                REQUEST.checks(),
                REQUEST.notifications(),
                null,
                null,
                manual);
    }

    /** Runs the migration until it starts, or waits before, its first production step. */
    private static MigrationState throughStaging(MigrationRequest request, ApprovalPolicy policy, Instant now) {
        MigrationState s = new MigrationState("m1", request, null, 0, new Evidence(), T0);
        s = after(s, Transition.start(s, now));
        while (!s.currentStep().id().startsWith("production.")) {
            s = after(s, Transition.onResult(s, success(s), "r-" + s.stepIndex(), now, policy));
        }
        return s;
    }

    @Test
    void aMigrationThatNeedsApprovalWaitsBeforeProductionUntilAnotherPersonApproves() {
        MigrationState held = throughStaging(REQUEST, ONE_AT_EVERY_RISK, T0);

        assertEquals("production.baseline", held.currentStep().id());
        assertEquals(MigrationHeld.APPROVAL, held.evidence().hold.waitingFor());
        assertNull(held.evidence().step("production.baseline"), "nothing was sent to production");

        Decision own = OperatorActions.approve(held, "DBA", "looks fine", T0, ONE_AT_EVERY_RISK);
        assertFalse(own.changed());
        assertTrue(own.note().contains("requested this migration and cannot approve it"), own.note());

        Decision approved = OperatorActions.approve(held, "alice", "rehearsal is clean", T0, ONE_AT_EVERY_RISK);
        assertTrue(approved.changed());
        assertEquals(1, approved.commands().size(), "production.baseline starts");
        assertTrue(approved.events().stream()
                .anyMatch(e ->
                        e instanceof StepStarted started && started.stepId().equals("production.baseline")));
        assertNull(approved.evidence().hold);

        MigrationState going = after(held, approved);
        assertFalse(
                OperatorActions.approve(going, "bob", "me too", T0, ONE_AT_EVERY_RISK)
                        .changed(),
                "too late");
    }

    @Test
    void withTwoApproversNeededOneApprovalIsNotEnoughAndNobodyCountsTwice() {
        ApprovalPolicy two = new ApprovalPolicy(Set.of("low", "medium", "high"), 2);
        MigrationState held = throughStaging(REQUEST, two, T0);

        MigrationState once = after(held, OperatorActions.approve(held, "alice", "ok", T0, two));
        assertEquals(MigrationHeld.APPROVAL, once.evidence().hold.waitingFor());
        assertTrue(
                once.evidence().hold.reason().startsWith("1 of 2"),
                once.evidence().hold.reason());
        assertFalse(OperatorActions.approve(once, "Alice", "again", T0, two).changed());

        Decision twice = OperatorActions.approve(once, "bob", "ok", T0, two);
        assertEquals(1, twice.commands().size());
    }

    @Test
    void productionWaitsForItsWindowAndGoesWhenTheClockReachesIt() {
        Instant opens = T0.plusSeconds(3600);
        MigrationState held = throughStaging(withWindow(opens, opens.plusSeconds(7200)), ApprovalPolicy.NONE, T0);

        assertEquals(MigrationHeld.WINDOW, held.evidence().hold.waitingFor());
        assertEquals(opens, held.evidence().hold.until());
        assertFalse(OperatorActions.clock(held, opens.minusSeconds(1), ApprovalPolicy.NONE)
                .changed());
        assertFalse(
                OperatorActions.next(held, "alice", "now please", T0, ApprovalPolicy.NONE)
                        .changed(),
                "next does not open a window early");

        Decision opened = OperatorActions.clock(held, opens, ApprovalPolicy.NONE);
        assertEquals(1, opened.commands().size());
        assertNull(opened.evidence().hold);
    }

    @Test
    void whenTheWindowClosesMidWayTheNextProductionStepWaitsForAnOperator() {
        Instant opens = T0.minusSeconds(60);
        Instant closes = T0.plusSeconds(60);
        MigrationState s = throughStaging(withWindow(opens, closes), ApprovalPolicy.NONE, T0);
        assertEquals("production.baseline", s.currentStep().id());
        assertNull(s.evidence().hold, "inside the window production starts");

        // production.baseline finishes after the window closed: production.backup waits.
        Instant late = closes.plusSeconds(1);
        MigrationState waiting = after(s, Transition.onResult(s, success(s), "r-late", late, ApprovalPolicy.NONE));
        assertEquals("production.backup", waiting.currentStep().id());
        assertEquals(MigrationHeld.OPERATOR, waiting.evidence().hold.waitingFor());

        Decision next = OperatorActions.next(waiting, "alice", "the change is small", late, ApprovalPolicy.NONE);
        assertEquals(1, next.commands().size(), "production.backup starts");
        assertEquals("alice", next.evidence().windowOverride.get("by"));

        Decision rejected = OperatorActions.reject(waiting, "alice", "not tonight", late);
        assertEquals(Phase.FAILED, rejected.phase());
        assertTrue(rejected.events().stream().anyMatch(MigrationFailed.class::isInstance));
    }

    @Test
    void inManualModeEachPhaseAndProductionWaitForAnOperatorsNext() {
        MigrationRequest manual = example(null, true);
        MigrationState s = new MigrationState("m1", manual, null, 0, new Evidence(), T0);
        s = after(s, Transition.start(s, T0));
        List<String> waitedAt = new java.util.ArrayList<>();
        for (int guard = 0; guard < 40 && !s.phase().isTerminal(); guard++) {
            Evidence.Hold hold = s.evidence().hold;
            if (hold != null) {
                assertEquals(MigrationHeld.OPERATOR, hold.waitingFor());
                assertTrue(hold.reason().startsWith("manual mode: "), hold.reason());
                waitedAt.add(hold.stepId());
                Decision next = OperatorActions.next(s, "alice", "go", T0, ApprovalPolicy.NONE);
                assertEquals(1, next.commands().size(), "next starts " + hold.stepId());
                s = after(s, next);
            } else {
                s = after(s, Transition.onResult(s, success(s), "r-" + s.stepIndex(), T0, ApprovalPolicy.NONE));
            }
        }
        assertEquals(Phase.COMPLETED, s.phase());
        assertEquals(List.of("staging.baseline", "production.baseline", "production.verify"), waitedAt);
    }

    @Test
    void aManualWaitAfterProductionChangedCannotBeRejected() {
        MigrationRequest manual = example(null, true);
        MigrationState s = new MigrationState("m1", manual, null, 0, new Evidence(), T0);
        s = after(s, Transition.start(s, T0));
        while (s.evidence().hold == null || !s.evidence().hold.stepId().equals("production.verify")) {
            s = s.evidence().hold != null
                    ? after(s, OperatorActions.next(s, "alice", "go", T0, ApprovalPolicy.NONE))
                    : after(s, Transition.onResult(s, success(s), "r-" + s.stepIndex(), T0, ApprovalPolicy.NONE));
        }

        Decision rejected = OperatorActions.reject(s, "alice", "stop", T0);
        assertFalse(rejected.changed(), "production was applied: a rollback, not a rejection");
        assertTrue(rejected.note().contains("ask for a rollback"), rejected.note());
    }

    @Test
    void approvalsHoldOnlyTheFirstProductionStepAndNeedAPlan() {
        MigrationState designing = new MigrationState("m1", REQUEST, null, 0, new Evidence(), T0);
        designing = after(designing, Transition.start(designing, T0));
        Decision early = OperatorActions.approve(designing, "alice", "sure", T0, ONE_AT_EVERY_RISK);
        assertFalse(early.changed());
        assertTrue(early.note().contains("no plan yet"), early.note());

        // Production began with no approval needed; the policy then asks for one: production is not stranded.
        MigrationState s = throughStaging(REQUEST, ApprovalPolicy.NONE, T0);
        MigrationState next = after(s, Transition.onResult(s, success(s), "r-b", T0, ONE_AT_EVERY_RISK));
        assertNull(next.evidence().hold, "a later production step does not wait for approval");
        assertEquals("production.backup", next.currentStep().id());
    }

    @Test
    void aPolicyThatNamesAnUnknownRiskIsRefusedRatherThanApprovingNothing() {
        IllegalArgumentException typo = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> new ApprovalPolicy(Set.of("Hgh"), 1));
        assertTrue(typo.getMessage().contains("Low, Medium and High"), typo.getMessage());
        assertEquals(0, new ApprovalPolicy(Set.of("none"), 1).needed("High"));
    }

    @Test
    void aRejectionBeforeProductionFailsTheMigrationWithWhoAndWhy() {
        MigrationState held = throughStaging(REQUEST, ONE_AT_EVERY_RISK, T0);

        Decision rejected = OperatorActions.reject(held, "alice", "wrong column name", T0);

        assertEquals(Phase.FAILED, rejected.phase());
        assertEquals("rejected by alice: wrong column name", rejected.evidence().failure);
        assertTrue(rejected.commands().isEmpty());
    }

    @Test
    void evidenceBackedCheckpointsCannotBeMarkedByHandButAPersonsCheckpointCan() {
        MigrationState s = throughStaging(REQUEST, ApprovalPolicy.NONE, T0);

        Decision refused = OperatorActions.checkpoint(s, "alice", "backup verified", null, T0);
        assertFalse(refused.changed());
        assertTrue(refused.note().contains("flips only on evidence"), refused.note());

        Decision marked = OperatorActions.checkpoint(s, "alice", "Monitoring dashboards open", "grafana board 12", T0);
        assertTrue(marked.changed());
        assertEquals(s.stepIndex(), marked.stepIndex());
        assertEquals(
                "alice",
                marked.evidence()
                        .checkpoints
                        .get("Monitoring dashboards open")
                        .evidence()
                        .get("markedBy"));
        assertInstanceOf(CheckpointReached.class, marked.events().get(1));
        assertFalse(OperatorActions.checkpoint(after(s, marked), "bob", "Monitoring dashboards open", null, T0)
                .changed());
    }

    @Test
    void withNoApprovalNeededTheExampleGoesStraightToProduction() {
        MigrationState s = throughStaging(REQUEST, ApprovalPolicy.NONE, T0);

        assertNull(s.evidence().hold);
        assertEquals("running", s.evidence().step("production.baseline").status());
        assertNull(s.evidence().failure);
    }
}
