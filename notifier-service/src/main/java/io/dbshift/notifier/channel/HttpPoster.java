package io.dbshift.notifier.channel;

import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * POSTs a body to one secret URL and turns the answer into success or a {@link SendFailedException} that says whether
 * to try again: timeouts, 429 and 5xx may pass, any other 4xx is a refusal. A 429's {@code Retry-After} is kept for the
 * retry. The URL is a secret (whoever holds it can post), so errors show it masked and scrub it from client messages.
 */
final class HttpPoster {
    private static final int BODY_EXCERPT = 200;

    private final String what;
    private final String url;
    private final String maskedUrl;
    private final Duration timeout;
    private final WebClient client;

    /**
     * @param what how errors name the receiver, e.g. "the Slack webhook alerts"
     * @param setting the configuration key that holds the URL, named when it is not an http(s) URL
     */
    HttpPoster(Vertx vertx, String what, String setting, String url, Duration timeout) {
        this.what = what;
        this.url = url.strip();
        this.maskedUrl = Secrets.maskUrl(this.url);
        this.timeout = timeout;
        requireHttpUrl(setting);
        this.client = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setConnectTimeout((int) timeout.toMillis())
                        .setUserAgent("dbshift-notifier"));
    }

    String maskedUrl() {
        return maskedUrl;
    }

    void close() {
        client.close();
    }

    Uni<Void> post(Map<String, String> headers, String body) {
        HttpRequest<Buffer> request = client.postAbs(url).timeout(timeout.toMillis());
        headers.forEach(request::putHeader);
        return request.sendBuffer(Buffer.buffer(body))
                // The cause is dropped on purpose: its message may quote the secret path.
                .onFailure()
                .transform(e -> new SendFailedException(
                        what + " " + maskedUrl + " could not be reached: " + Secrets.scrub(e.getMessage(), url), true))
                .chain(this::checkAccepted);
    }

    private Uni<Void> checkAccepted(HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return Uni.createFrom().voidItem();
        }
        boolean retryable = status == 429 || status >= 500;
        String body = Secrets.scrub(response.bodyAsString(), url);
        String excerpt =
                body == null ? "" : body.length() > BODY_EXCERPT ? body.substring(0, BODY_EXCERPT) + "…" : body;
        Duration retryAfter = retryAfter(response.getHeader("Retry-After"), Instant.now());
        return Uni.createFrom()
                .failure(new SendFailedException(
                        what + " " + maskedUrl + " answered HTTP " + status
                                + (excerpt.isBlank() ? "" : ": " + excerpt.strip())
                                + (retryAfter == null ? "" : " (Retry-After " + retryAfter.toMillis() / 1000.0 + " s)"),
                        retryable,
                        retryAfter));
    }

    /** A {@code Retry-After} header as a wait: delay-seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private void requireHttpUrl(String setting) {
        String scheme;
        try {
            scheme = URI.create(url).getScheme();
        } catch (IllegalArgumentException e) {
            scheme = null;
        }
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException(setting + " " + maskedUrl
                    + " is not an http(s) URL; set it to the URL the receiver gave you, or remove the destination");
        }
    }
}
