package io.dbshift.notifier.notice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Json;
import io.dbshift.contracts.Payload;
import io.dbshift.contracts.Phase;
import io.dbshift.contracts.event.BackfillProgressed;
import io.dbshift.contracts.event.CheckpointReached;
import io.dbshift.contracts.event.MaintenanceModeChanged;
import io.dbshift.contracts.event.MigrationCompleted;
import io.dbshift.contracts.event.MigrationFailed;
import io.dbshift.contracts.event.MigrationHeld;
import io.dbshift.contracts.event.MigrationPhaseChanged;
import io.dbshift.contracts.event.MigrationPlanned;
import io.dbshift.contracts.event.MigrationRejected;
import io.dbshift.contracts.event.MigrationRequested;
import io.dbshift.contracts.event.MigrationRolledBack;
import io.dbshift.contracts.event.MigrationWindowNotice;
import io.dbshift.contracts.event.OperatorDecision;
import io.dbshift.contracts.event.StepCompleted;
import io.dbshift.contracts.event.StepStarted;
import io.dbshift.contracts.request.FieldError;
import io.dbshift.contracts.request.Window;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NoticesTest {

    private static Notice noticeOf(Payload payload) {
        return Notices.from(CloudEvent.of("evt-1", "test", payload)).orElseThrow();
    }

    @Test
    void requestedNoticeNamesTheMigrationTargetAndRequester() {
        Notice notice = noticeOf(new MigrationRequested("m-1", "add-avatar", "prod", "staging", "alice"));

        assertEquals("Migration requested: add-avatar", notice.headline());
        assertEquals("evt-1", notice.eventId());
        assertEquals("io.dbshift.MigrationRequested", notice.eventType());
        assertEquals("m-1", notice.migrationId());
        assertEquals("add-avatar", notice.field(Notices.MIGRATION));
        assertEquals("DESIGN", notice.field(Notices.PHASE));
        assertEquals("prod", notice.field("Target"));
        assertEquals("alice", notice.field("Requested by"));
    }

    @Test
    void theFirstPhaseChangeOfAMigrationReadsAsNewRatherThanNull() {
        Notice notice =
                noticeOf(new MigrationPhaseChanged("m-1", "add-avatar", null, Phase.DESIGN, "request accepted"));

        assertEquals("new → DESIGN", notice.field(Notices.PHASE));
        assertTrue(notice.headline().contains("new → DESIGN"), notice.headline());
    }

    @Test
    void planNoticeCarriesRiskReasonsAndThePlan() {
        Notice notice = noticeOf(new MigrationPlanned(
                "m-1",
                "add-avatar",
                "high",
                List.of("rewrites 2M rows", "takes an ACCESS EXCLUSIVE lock"),
                "1. add column"));

        assertEquals("Plan ready: add-avatar (risk HIGH)", notice.headline());
        assertEquals(Severity.WARNING, notice.severity());
        assertEquals("HIGH", notice.field(Notices.RISK));
        assertEquals("PLAN", notice.field(Notices.PHASE));
        assertEquals(List.of("rewrites 2M rows", "takes an ACCESS EXCLUSIVE lock"), notice.details());
        assertEquals("1. add column", notice.document());
    }

    @Test
    void lowRiskPlanIsInformational() {
        Notice notice = noticeOf(new MigrationPlanned("m-1", "add-avatar", "LOW", null, null));

        assertEquals(Severity.INFO, notice.severity());
        assertTrue(notice.details().isEmpty());
        assertNull(notice.document());
    }

    @Test
    void phaseChangeShowsBothPhasesAndTheReason() {
        Notice notice =
                noticeOf(new MigrationPhaseChanged("m-1", "add-avatar", Phase.PLAN, Phase.IMPLEMENT, "plan approved"));

        assertEquals("add-avatar: PLAN → IMPLEMENT", notice.headline());
        assertEquals("PLAN → IMPLEMENT", notice.field(Notices.PHASE));
        assertEquals(List.of("plan approved"), notice.details());
        assertEquals(Severity.INFO, notice.severity());
    }

    @Test
    void phaseChangeToFailedIsAnError() {
        Notice notice = noticeOf(new MigrationPhaseChanged("m-1", "add-avatar", Phase.VERIFY, Phase.FAILED, null));

        assertEquals(Severity.ERROR, notice.severity());
        assertTrue(notice.details().isEmpty(), "a missing reason is left out, not shown blank");
    }

    @Test
    void checkpointListsItsEvidenceInKeyOrder() {
        Notice notice =
                noticeOf(new CheckpointReached("m-1", "design.approved", Map.of("tables", 2, "approver", "bob")));

        assertEquals("Checkpoint reached: design.approved (m-1)", notice.headline());
        assertEquals("design.approved", notice.field("Checkpoint"));
        assertEquals(List.of("approver: bob", "tables: 2"), notice.details());
    }

    @Test
    void completionShowsAReadableDuration() {
        Notice notice = noticeOf(new MigrationCompleted("m-1", "add-avatar", 3_723_000));

        assertEquals(Severity.SUCCESS, notice.severity());
        assertEquals("1h 2m 3s", notice.field("Duration"));
    }

    @Test
    void failureNamesTheStepAndTheDatabaseReason() {
        Notice notice =
                noticeOf(new MigrationFailed("m-1", "add-avatar", "step-3", "column \"avatar\" already exists"));

        assertEquals("Migration failed: add-avatar", notice.headline());
        assertEquals(Severity.ERROR, notice.severity());
        assertEquals("step-3", notice.field("Step"));
        assertEquals("column \"avatar\" already exists", notice.details().get(0));
        assertTrue(
                notice.details().get(1).startsWith("Next: production was not changed"),
                notice.details().toString());
    }

    @Test
    void aFailureInProductionSaysProductionMayHaveChangedAndHowToRollBack() {
        Notice notice = noticeOf(new MigrationFailed("m-1", "add-avatar", "production.verify", "2 checks failed"));

        assertTrue(
                notice.details().get(1).contains("production may have changed"),
                notice.details().toString());
        assertTrue(
                notice.details().get(1).contains("dbshift rollback"),
                notice.details().toString());
    }

    @Test
    void rejectionListsEveryFieldError() {
        Notice notice = noticeOf(new MigrationRejected(
                "m-1",
                "add-avatar",
                List.of(new FieldError("target", "is required"), new FieldError("migrations[0].up", "is empty"))));

        assertEquals(Severity.WARNING, notice.severity());
        assertEquals(List.of("target: is required", "migrations[0].up: is empty"), notice.details());
    }

    @Test
    void migrationWithoutANameIsCalledByItsId() {
        Notice notice = noticeOf(new MigrationCompleted("m-7", null, 10));

        assertEquals("Migration completed: m-7", notice.headline());
        assertNull(notice.field(Notices.MIGRATION));
        assertEquals("m-7", notice.field(Notices.ID));
    }

    @Test
    void stepStartsAndEndsAreNotNoticed() {
        assertTrue(Notices.from(CloudEvent.of("test", new StepStarted("m-1", "s-1", "add column", "prod")))
                .isEmpty());
        assertTrue(Notices.from(CloudEvent.of("test", new StepCompleted("m-1", "s-1", "add column", "prod", "ok")))
                .isEmpty());
    }

    @Test
    void backfillProgressIsADigestedNoticePerStep() {
        Notice notice = noticeOf(new BackfillProgressed(
                "m-1", "production.backfill.0", "prod", "users", 450_000, 1_000_000, 80_000, 7L, 500, "lock waits"));

        assertEquals("Backfill of users on prod: 45%", notice.headline());
        assertEquals("m-1/production.backfill.0", notice.digestKey());
        assertEquals("7s", notice.field("ETA"));
        assertEquals("lock waits", notice.field("Throttled"));
        assertNull(noticeOf(new MigrationCompleted("m-1", "x", 1)).digestKey(), "only progress is digested");
    }

    @Test
    void anUnverifiedRollbackIsAnErrorAndAVerifiedOneAWarning() {
        Notice verified = noticeOf(new MigrationRolledBack("m-1", "add-avatar", "prod", "down", true, List.of()));
        Notice not = noticeOf(
                new MigrationRolledBack("m-1", "add-avatar", "prod", "restore", false, List.of("users.avatar_url")));

        assertEquals(Severity.WARNING, verified.severity());
        assertEquals("Rolled back: add-avatar on prod", verified.headline());
        assertEquals(Severity.ERROR, not.severity());
        assertTrue(not.details().contains("users.avatar_url"), not.details().toString());
        assertEquals("by restoring its verified backup", not.field("Method"));
    }

    @Test
    void maintenanceModeTellsApplicationsToStopAndResume() {
        Notice on = noticeOf(new MaintenanceModeChanged("m-1", "prod", true, "restoring the backup"));

        assertEquals("Maintenance mode ON for prod", on.headline());
        assertEquals(Severity.WARNING, on.severity());
        assertTrue(
                on.details().get(0).contains("must stop using prod"),
                on.details().toString());
    }

    @Test
    void aMigrationWaitingForApprovalAsksForItAndSaysHow() {
        Notice notice = noticeOf(new MigrationHeld(
                "m-1", "add-avatar", "production.baseline", MigrationHeld.APPROVAL, "0 of 1 approval(s)", null));
        Notice approved = noticeOf(new OperatorDecision("m-1", "add-avatar", "approve", "bob", "clean", null));

        assertEquals("Approval needed: add-avatar", notice.headline());
        assertEquals(Severity.WARNING, notice.severity());
        assertTrue(
                notice.details().get(1).contains("dbshift approve m-1"),
                notice.details().toString());
        assertEquals("add-avatar approved by bob", approved.headline());
        assertEquals(List.of("clean"), approved.details());
    }

    @Test
    void windowNoticesShowTheTimesInTheWindowsZone() {
        OffsetDateTime start = OffsetDateTime.parse("2026-12-01T22:00:00Z");
        Notice reminder = noticeOf(new MigrationWindowNotice(
                "m-1", "add-avatar", MigrationWindowNotice.REMINDER_1H, start, start.plusHours(2), "Europe/Oslo"));

        assertEquals("Reminder: add-avatar's window opens in 1 hour", reminder.headline());
        assertEquals("2026-12-01 23:00 CET – 2026-12-02 01:00 CET", reminder.field("Window"));
        Notice plan = noticeOf(new MigrationPlanned(
                "m-1", "add-avatar", "LOW", List.of(), "plan", new Window(start, null, "Europe/Oslo")));
        assertEquals("2026-12-01 23:00 CET", plan.field("Window"), "the plan is published with its window");
    }

    @Test
    void eventWhoseDataDoesNotMatchItsTypeIsRefused() {
        CloudEvent event = CloudEvent.of("test", new MigrationCompleted("m-1", "x", 1));
        ObjectNode wrongData = Json.MAPPER.createObjectNode().put("durationMs", "not a number");
        CloudEvent broken = new CloudEvent(
                event.specversion(),
                event.id(),
                event.source(),
                event.type(),
                event.subject(),
                event.time(),
                event.datacontenttype(),
                wrongData);

        assertThrows(RuntimeException.class, () -> Notices.from(broken));
    }

    @Test
    void shortDurationsStayInMilliseconds() {
        assertEquals("850 ms", Notices.humanDuration(850));
        assertEquals("4m 0s", Notices.humanDuration(240_000));
        assertEquals("59s", Notices.humanDuration(59_999));
    }
}
