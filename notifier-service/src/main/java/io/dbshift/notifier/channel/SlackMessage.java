package io.dbshift.notifier.channel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbshift.contracts.Json;
import io.dbshift.notifier.notice.Links;
import io.dbshift.notifier.notice.Notice;
import io.dbshift.notifier.notice.Severity;

/**
 * Renders a notice as a Slack incoming-webhook message: {@code text} for the notification
 * preview and clients without blocks, and Block Kit {@code blocks} for the channel itself.
 * Block Kit's size limits are applied here, because Slack refuses the whole message otherwise.
 */
public final class SlackMessage {
    static final int HEADER_MAX = 150;
    static final int FIELDS_MAX = 10;
    static final int FIELD_TEXT_MAX = 2000;
    static final int SECTION_TEXT_MAX = 3000;

    private SlackMessage() {}

    /** The JSON body to POST to the webhook. */
    public static String render(Notice notice) {
        return render(notice, null);
    }

    /** The JSON body, with links to the plan and the report when {@code links} is not null. */
    public static String render(Notice notice, Links links) {
        ObjectNode message = Json.MAPPER.createObjectNode();
        message.put("text", emoji(notice.severity()) + " " + escape(notice.headline()));
        ArrayNode blocks = message.putArray("blocks");

        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text")
                .put("type", "plain_text")
                .put("text", truncate(notice.headline(), HEADER_MAX))
                .put("emoji", true);

        if (!notice.fields().isEmpty()) {
            ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
            notice.fields().stream()
                    .limit(FIELDS_MAX)
                    .forEach(field -> fields.addObject()
                            .put("type", "mrkdwn")
                            .put(
                                    "text",
                                    truncate(
                                            "*" + escape(field.label()) + "*\n" + escape(field.value()),
                                            FIELD_TEXT_MAX)));
        }
        if (!notice.details().isEmpty()) {
            StringBuilder bullets = new StringBuilder();
            notice.details()
                    .forEach(line -> bullets.append("• ").append(escape(line)).append('\n'));
            section(blocks, truncate(bullets.toString().strip(), SECTION_TEXT_MAX));
        }
        if (notice.document() != null) {
            // Six characters for the fences; a cut plan still says where to read the rest.
            String plan = truncate(escape(notice.document()), SECTION_TEXT_MAX - 6);
            section(blocks, "```" + plan + "```");
        }
        if (links != null) {
            section(blocks, "<" + links.plan() + "|Plan> · <" + links.report() + "|Report>");
        }
        ObjectNode context = blocks.addObject().put("type", "context");
        context.putArray("elements")
                .addObject()
                .put("type", "mrkdwn")
                .put(
                        "text",
                        "dbshift · `" + escape(notice.eventType()) + "` · event `" + escape(notice.eventId()) + "`");
        return Json.write(message);
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        blocks.addObject()
                .put("type", "section")
                .putObject("text")
                .put("type", "mrkdwn")
                .put("text", mrkdwn);
    }

    static String emoji(Severity severity) {
        return switch (severity) {
            case INFO -> ":information_source:";
            case SUCCESS -> ":white_check_mark:";
            case WARNING -> ":warning:";
            case ERROR -> ":x:";
        };
    }

    /**
     * Slack's three control characters. Migration names and failure reasons come from users and
     * databases; unescaped, {@code <!channel>} in a reason would page the whole channel.
     */
    static String escape(String text) {
        return text == null
                ? ""
                : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
