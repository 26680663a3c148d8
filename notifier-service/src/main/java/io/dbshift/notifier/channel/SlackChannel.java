package io.dbshift.notifier.channel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbshift.contracts.Json;
import io.dbshift.notifier.notice.Links;
import io.dbshift.notifier.notice.Notice;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Posts notices as Block Kit messages to a Slack incoming webhook; the webhook URL is a secret. */
public class SlackChannel implements NoticeChannel {
    public static final String TYPE = "slack";

    private final String name;
    private final HttpPoster poster;
    private final Optional<String> publicUrl;

    public SlackChannel(
            Vertx vertx, String name, String setting, String webhookUrl, Duration timeout, Optional<String> publicUrl) {
        this.name = name;
        this.poster = new HttpPoster(vertx, "the Slack webhook", setting, webhookUrl, timeout);
        this.publicUrl = publicUrl;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String destination() {
        return "Slack webhook " + poster.maskedUrl();
    }

    @Override
    public Uni<Void> send(Notice notice, String deliveryId) {
        Links links = Links.of(publicUrl, notice.migrationId());
        String body = Rendering.orFallback(notice, n -> SlackMessage.render(n, links), SlackChannel::plain);
        return poster.post(Map.of("Content-Type", "application/json; charset=utf-8"), body);
    }

    /** A message of text alone, for when the Block Kit rendering failed. */
    static String plain(Notice notice) {
        ObjectNode message = Json.MAPPER.createObjectNode();
        message.put("text", SlackMessage.escape(Rendering.plainText(notice)));
        return Json.write(message);
    }

    @Override
    public void close() {
        poster.close();
    }
}
