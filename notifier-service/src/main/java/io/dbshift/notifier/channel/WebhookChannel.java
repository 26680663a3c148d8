package io.dbshift.notifier.channel;

import io.dbshift.contracts.Json;
import io.dbshift.notifier.notice.Notice;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * POSTs the event itself, as a structured-mode CloudEvent, to an HTTP endpoint. The body is signed with HMAC-SHA256
 * when the destination has a signing key ({@link WebhookSignature}), and every call carries the delivery id, the same
 * on every retry, so a receiver can drop a copy it already processed.
 */
public class WebhookChannel implements NoticeChannel {
    public static final String TYPE = "webhook";

    private final String name;
    private final HttpPoster poster;
    private final String signingKey;
    private final Clock clock;

    public WebhookChannel(
            Vertx vertx, String name, String setting, String url, String signingKey, Duration timeout, Clock clock) {
        this.name = name;
        this.poster = new HttpPoster(vertx, "the webhook", setting, url, timeout);
        this.signingKey = signingKey == null || signingKey.isBlank() ? null : signingKey;
        this.clock = clock;
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
        return "webhook " + poster.maskedUrl() + (signingKey == null ? " (unsigned)" : " (signed)");
    }

    /** Whether calls carry a signature. */
    public boolean signed() {
        return signingKey != null;
    }

    @Override
    public Uni<Void> send(Notice notice, String deliveryId) {
        String body = notice.event() != null ? notice.event() : Json.write(Map.of("text", Rendering.plainText(notice)));
        long now = clock.instant().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/cloudevents+json; charset=utf-8");
        headers.put(WebhookSignature.DELIVERY_HEADER, deliveryId);
        headers.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now));
        if (signingKey != null) {
            headers.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(signingKey, now, body));
        }
        return poster.post(headers, body);
    }

    @Override
    public void close() {
        poster.close();
    }
}
