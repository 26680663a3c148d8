package io.dbshift.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.notifier.notice.Notice;
import io.dbshift.notifier.notice.Notice.Field;
import io.dbshift.notifier.notice.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmailMessageTest {

    private static final Notice PLANNED = new Notice(
            "evt-1",
            "io.dbshift.MigrationPlanned",
            "m-1",
            Severity.WARNING,
            "Plan ready: add-avatar (risk HIGH)",
            List.of(new Field("Migration", "add-avatar"), new Field("Phase", "PLAN"), new Field("Risk", "HIGH")),
            List.of("rewrites 2M rows"),
            "1. add column <avatar>");

    @Test
    void subjectStartsWithThePrefixAndTheHeadline() {
        assertEquals(
                "[dbshift] Plan ready: add-avatar (risk HIGH)",
                EmailMessage.render(PLANNED, "[dbshift]").subject());
    }

    @Test
    void failureSubjectSaysFailedUpFront() {
        Notice failed = new Notice(
                "evt-2",
                "io.dbshift.MigrationFailed",
                "m-1",
                Severity.ERROR,
                "Migration failed: add-avatar",
                List.of(),
                List.of(),
                null);

        assertEquals(
                "[dbshift] FAILED: Migration failed: add-avatar",
                EmailMessage.render(failed, "[dbshift]").subject());
    }

    @Test
    void lineBreaksCannotSmuggleHeadersIntoTheSubject() {
        Notice sneaky = new Notice(
                "evt-3",
                "io.dbshift.MigrationRequested",
                "m-1",
                Severity.INFO,
                "Migration requested: x\r\nBcc: everyone@example.com",
                List.of(),
                List.of(),
                null);

        String subject = EmailMessage.render(sneaky, "[dbshift]").subject();

        assertFalse(subject.contains("\n") || subject.contains("\r"));
        assertEquals("[dbshift] Migration requested: x Bcc: everyone@example.com", subject);
    }

    @Test
    void textBodyListsFieldsDetailsPlanAndEvent() {
        String text = EmailMessage.render(PLANNED, "[dbshift]").text();

        assertTrue(text.startsWith("Plan ready: add-avatar (risk HIGH)\n\n"));
        assertTrue(text.contains("Migration: add-avatar\nPhase: PLAN\nRisk: HIGH\n"));
        assertTrue(text.contains("- rewrites 2M rows\n"));
        assertTrue(text.contains("Plan:\n\n1. add column <avatar>\n"));
        assertTrue(text.contains("event evt-1"));
    }

    @Test
    void htmlBodyHasTheSameContentEscaped() {
        String html = EmailMessage.render(PLANNED, "[dbshift]").html();

        assertTrue(html.contains("<h2>Plan ready: add-avatar (risk HIGH)</h2>"));
        assertTrue(html.contains("<tr><th align=\"left\">Risk</th><td>HIGH</td></tr>"));
        assertTrue(html.contains("<li>rewrites 2M rows</li>"));
        assertTrue(html.contains("<pre>1. add column &lt;avatar&gt;</pre>"));
        assertFalse(html.contains("<avatar>"));
    }

    @Test
    void blankPrefixLeavesTheHeadlineAlone() {
        assertEquals(
                "Plan ready: add-avatar (risk HIGH)",
                EmailMessage.render(PLANNED, " ").subject());
    }
}
