package io.dbshift.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbshift.contracts.Json;
import io.dbshift.notifier.notice.Links;
import io.dbshift.notifier.notice.Notice;
import io.dbshift.notifier.notice.Notice.Field;
import io.dbshift.notifier.notice.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SlackMessageTest {

    private static Notice plan(String headline, List<Field> fields, List<String> details, String document) {
        return new Notice(
                "evt-1", "io.dbshift.MigrationPlanned", "m-1", Severity.WARNING, headline, fields, details, document);
    }

    private static JsonNode render(Notice notice) {
        return Json.read(SlackMessage.render(notice), JsonNode.class);
    }

    @Test
    void messageHasFallbackTextHeaderFieldsDetailsPlanAndContext() {
        JsonNode message = render(plan(
                "Plan ready: add-avatar (risk HIGH)",
                List.of(new Field("Migration", "add-avatar"), new Field("Phase", "PLAN"), new Field("Risk", "HIGH")),
                List.of("rewrites 2M rows"),
                "1. add column"));

        assertEquals(
                ":warning: Plan ready: add-avatar (risk HIGH)",
                message.get("text").asText());
        JsonNode blocks = message.get("blocks");
        assertEquals(List.of("header", "section", "section", "section", "context"), types(blocks));

        JsonNode header = blocks.get(0).get("text");
        assertEquals("plain_text", header.get("type").asText());
        assertEquals("Plan ready: add-avatar (risk HIGH)", header.get("text").asText());

        JsonNode fields = blocks.get(1).get("fields");
        assertEquals(3, fields.size());
        assertEquals("mrkdwn", fields.get(0).get("type").asText());
        assertEquals("*Migration*\nadd-avatar", fields.get(0).get("text").asText());
        assertEquals("*Phase*\nPLAN", fields.get(1).get("text").asText());
        assertEquals("*Risk*\nHIGH", fields.get(2).get("text").asText());

        assertEquals("• rewrites 2M rows", blocks.get(2).get("text").get("text").asText());
        assertEquals(
                "```1. add column```", blocks.get(3).get("text").get("text").asText());
        assertTrue(blocks.get(4).get("elements").get(0).get("text").asText().contains("evt-1"));
    }

    @Test
    void noticeWithoutDetailsOrPlanHasNoEmptySections() {
        JsonNode message = render(new Notice(
                "evt-2",
                "io.dbshift.MigrationCompleted",
                "m-1",
                Severity.SUCCESS,
                "Migration completed: add-avatar",
                List.of(new Field("Migration", "add-avatar")),
                List.of(),
                null));

        assertEquals(List.of("header", "section", "context"), types(message.get("blocks")));
        assertTrue(message.get("text").asText().startsWith(":white_check_mark: "));
    }

    @Test
    void userTextCannotMentionTheChannelOrInjectLinks() {
        JsonNode message = render(plan(
                "x",
                List.of(new Field("Migration", "<!channel> & co")),
                List.of("see <https://evil.example|here>"),
                null));

        assertEquals(
                "*Migration*\n&lt;!channel&gt; &amp; co",
                message.get("blocks").get(1).get("fields").get(0).get("text").asText());
        assertEquals(
                "• see &lt;https://evil.example|here&gt;",
                message.get("blocks").get(2).get("text").get("text").asText());
    }

    @Test
    void blockKitLimitsAreRespected() {
        List<Field> manyFields = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            manyFields.add(new Field("F" + i, "v".repeat(3000)));
        }
        JsonNode message = render(plan("h".repeat(400), manyFields, List.of(), "p".repeat(10_000)));
        JsonNode blocks = message.get("blocks");

        assertEquals(
                SlackMessage.HEADER_MAX,
                blocks.get(0).get("text").get("text").asText().length());
        assertEquals(SlackMessage.FIELDS_MAX, blocks.get(1).get("fields").size());
        assertEquals(
                SlackMessage.FIELD_TEXT_MAX,
                blocks.get(1).get("fields").get(0).get("text").asText().length());
        String plan = blocks.get(2).get("text").get("text").asText();
        assertEquals(SlackMessage.SECTION_TEXT_MAX, plan.length());
        assertTrue(plan.endsWith("…```"));
    }

    @Test
    void renderedMessageHoldsNoWebhookUrl() {
        String json = SlackMessage.render(plan("Plan ready", List.of(), List.of(), null));

        assertFalse(json.contains("hooks.slack.com"));
    }

    @Test
    void withAPublicUrlTheMessageLinksToThePlanAndTheReport() {
        String json = SlackMessage.render(
                plan("Plan ready", List.of(), List.of(), null),
                Links.of(Optional.of("https://dbshift.example.test/"), "m-1"));

        assertTrue(
                json.contains("<https://dbshift.example.test/migrations/m-1/plan|Plan> · "
                        + "<https://dbshift.example.test/migrations/m-1/report|Report>"),
                json);
        assertFalse(SlackMessage.render(plan("Plan ready", List.of(), List.of(), null))
                .contains("|Plan>"));
    }

    private static List<String> types(JsonNode blocks) {
        List<String> types = new ArrayList<>();
        blocks.forEach(block -> types.add(block.get("type").asText()));
        return types;
    }
}
