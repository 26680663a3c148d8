package io.dbshift.notifier.channel;

import io.dbshift.notifier.config.NotifierConfig;
import io.dbshift.notifier.notice.Notice;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Posts notices to a Slack incoming webhook. The webhook URL is a secret (anyone holding it can
 * post to the channel), so only its masked form ever appears in logs and errors.
 */
@ApplicationScoped
public class SlackChannel implements NoticeChannel {
    public static final String NAME = "slack";
    private static final int BODY_EXCERPT = 200;

    private final Optional<String> webhookUrl;
    private final String maskedUrl;
    private final Duration timeout;
    private final WebClient client;

    SlackChannel(Vertx vertx, NotifierConfig config) {
        this.webhookUrl = config.slack().webhookUrl().map(String::strip).filter(url -> !url.isEmpty());
        this.maskedUrl = webhookUrl.map(Secrets::maskUrl).orElse("(none)");
        this.timeout = config.slack().timeout();
        webhookUrl.ifPresent(this::requireHttpUrl);
        this.client = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setConnectTimeout((int) timeout.toMillis())
                        .setUserAgent("dbshift-notifier"));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isConfigured() {
        return webhookUrl.isPresent();
    }

    @Override
    public String destination() {
        return "Slack webhook " + maskedUrl;
    }

    @Override
    public Uni<Void> send(Notice notice) {
        return client.postAbs(webhookUrl.orElseThrow())
                .timeout(timeout.toMillis())
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .sendBuffer(Buffer.buffer(SlackMessage.render(notice)))
                // The cause is dropped on purpose: its message may quote the secret path.
                .onFailure()
                .transform(e -> new SendFailedException(
                        "the Slack webhook " + maskedUrl + " could not be reached: "
                                + Secrets.scrub(e.getMessage(), webhookUrl.get()),
                        true))
                .chain(this::checkAccepted);
    }

    private Uni<Void> checkAccepted(HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return Uni.createFrom().voidItem();
        }
        // 429 and 5xx may pass; any other 4xx means Slack refused this message, and will again.
        boolean retryable = status == 429 || status >= 500;
        String body = Secrets.scrub(response.bodyAsString(), webhookUrl.get());
        String excerpt =
                body == null ? "" : body.length() > BODY_EXCERPT ? body.substring(0, BODY_EXCERPT) + "…" : body;
        return Uni.createFrom()
                .failure(new SendFailedException(
                        "the Slack webhook " + maskedUrl + " answered HTTP " + status
                                + (excerpt.isBlank() ? "" : ": " + excerpt.strip()),
                        retryable));
    }

    private void requireHttpUrl(String url) {
        String scheme;
        try {
            scheme = URI.create(url).getScheme();
        } catch (IllegalArgumentException e) {
            scheme = null;
        }
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException(
                    "dbshift.notifier.slack.webhook-url " + Secrets.maskUrl(url)
                            + " is not an http(s) URL; set it to the incoming-webhook URL Slack gave you, or unset it to turn Slack off");
        }
    }
}
