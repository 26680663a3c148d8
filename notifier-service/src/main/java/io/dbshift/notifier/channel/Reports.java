package io.dbshift.notifier.channel;

import io.dbshift.notifier.config.NotifierConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A migration's report, asked of the orchestrator ({@code GET /migrations/{id}/report}) for the e-mail that says the
 * migration ended. Without {@code dbshift.notifier.orchestrator-url}, or when the orchestrator does not answer, the
 * e-mail goes without it: a missing attachment must not hold the notice back.
 */
@ApplicationScoped
public class Reports {
    private static final Logger LOG = Logger.getLogger(Reports.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Optional<String> orchestratorUrl;
    private final WebClient client;

    Reports(Vertx vertx, NotifierConfig config) {
        this.orchestratorUrl = config.orchestratorUrl()
                .map(String::strip)
                .filter(url -> !url.isEmpty())
                .map(url -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout((int) TIMEOUT.toMillis()));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** The report as Markdown, or empty when it cannot be had. */
    public Uni<Optional<String>> of(String migrationId) {
        if (orchestratorUrl.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        String url = orchestratorUrl.get() + "/migrations/" + migrationId + "/report";
        return client.getAbs(url)
                .timeout(TIMEOUT.toMillis())
                .send()
                .map(response -> {
                    if (response.statusCode() == 200) {
                        return Optional.of(response.bodyAsString());
                    }
                    LOG.warnf("%s answered HTTP %d; the e-mail goes without the report", url, response.statusCode());
                    return Optional.<String>empty();
                })
                .onFailure()
                .recoverWithItem(e -> {
                    LOG.warnf("could not fetch %s (%s); the e-mail goes without the report", url, e.getMessage());
                    return Optional.empty();
                });
    }
}
