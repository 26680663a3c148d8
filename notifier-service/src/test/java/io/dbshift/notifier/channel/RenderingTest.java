package io.dbshift.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbshift.contracts.Json;
import io.dbshift.notifier.notice.Notice;
import io.dbshift.notifier.notice.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A template error does not lose the notice: the channel sends a plain text instead. */
class RenderingTest {
    /** A notice no template expects: no headline, which the Block Kit header and the e-mail subject need. */
    private static final Notice BROKEN = new Notice(
            "evt-9",
            "io.dbshift.MigrationFailed",
            "m-9",
            Severity.ERROR,
            null,
            List.of(new Notice.Field("Step", "production.apply")),
            List.of("relation \"users\" does not exist"),
            null);

    @Test
    void slackGetsThePlainTextWhenBlockKitCannotBeRendered() {
        String body = Rendering.orFallback(BROKEN, SlackMessage::render, SlackChannel::plain);

        JsonNode message = Json.read(body, JsonNode.class);
        assertTrue(message.get("blocks") == null, "the fallback has no blocks");
        String text = message.get("text").asText();
        assertTrue(text.startsWith("dbshift: MigrationFailed"), text);
        assertTrue(text.contains("m-9") && text.contains("production.apply") && text.contains("does not exist"), text);
    }

    @Test
    void emailGetsThePlainTextWhenTheTemplateFails() {
        EmailMessage mail = Rendering.orFallback(
                BROKEN, n -> EmailMessage.render(n, "[dbshift]"), n -> EmailMessage.plain(n, "[dbshift]"));

        assertEquals("[dbshift] dbshift: MigrationFailed", mail.subject());
        assertTrue(mail.text().contains("relation \"users\" does not exist"), mail.text());
        assertTrue(mail.html().contains("relation &quot;users&quot; does not exist"), mail.html());
    }
}
