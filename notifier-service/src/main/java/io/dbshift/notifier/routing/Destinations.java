package io.dbshift.notifier.routing;

import io.dbshift.notifier.channel.EmailChannel;
import io.dbshift.notifier.channel.LogChannel;
import io.dbshift.notifier.channel.NoticeChannel;
import io.dbshift.notifier.channel.Reports;
import io.dbshift.notifier.channel.SlackChannel;
import io.dbshift.notifier.channel.WebhookChannel;
import io.dbshift.notifier.config.NotifierConfig;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The configured destinations and routes, checked at start: a route naming a destination that does not exist, a
 * destination of an unknown type or without its URL or addresses stops the service with a message naming the key to
 * fix. The single-channel settings ({@code slack.webhook-url}, {@code email.to}) make destinations {@code slack} and
 * {@code email} with a route each that sends everything. With no destination at all, every notice goes to the log.
 */
@ApplicationScoped
public class Destinations {
    private static final Logger LOG = Logger.getLogger(Destinations.class);
    private static final String PREFIX = "dbshift.notifier.";
    /** Slack's documented limit for incoming webhooks: about one message a second. */
    private static final Duration SLACK_INTERVAL = Duration.ofSeconds(1);

    private final Map<String, NoticeChannel> channels = new LinkedHashMap<>();
    private final Map<String, Duration> minIntervals = new ConcurrentHashMap<>();
    private final Map<String, NoticeChannel> addresses = new ConcurrentHashMap<>();
    private final List<Route> routes = new ArrayList<>();
    private final ReactiveMailer mailer;
    private final NotifierConfig config;
    private final Reports reports;

    Destinations(Vertx vertx, ReactiveMailer mailer, Reports reports, NotifierConfig config) {
        this.mailer = mailer;
        this.config = config;
        this.reports = reports;
        config.slack()
                .webhookUrl()
                .map(String::strip)
                .filter(url -> !url.isEmpty())
                .ifPresent(url -> {
                    add(
                            new SlackChannel(
                                    vertx,
                                    SlackChannel.TYPE,
                                    PREFIX + "slack.webhook-url",
                                    url,
                                    config.slack().timeout(),
                                    config.publicUrl()),
                            config.slack().minInterval());
                    routes.add(Route.everything("slack", SlackChannel.TYPE));
                });
        List<String> to = addressesOf(config.email().to());
        if (!to.isEmpty()) {
            add(email(EmailChannel.TYPE, to), Duration.ZERO);
            routes.add(Route.everything("email", EmailChannel.TYPE));
        }
        config.destinations().forEach((name, destination) -> add(vertx, name, destination));
        config.routes().forEach((name, route) -> {
            for (String destination : route.destinations()) {
                if (!channels.containsKey(destination.strip())) {
                    throw new IllegalArgumentException(PREFIX + "routes." + name + ".destinations names \""
                            + destination + "\", which is not a destination; configure " + PREFIX + "destinations."
                            + destination + ".type, or remove it from the route (destinations: " + channels.keySet()
                            + ")");
                }
            }
            routes.add(new Route(
                    name,
                    route.destinations().stream().map(String::strip).toList(),
                    Set.copyOf(route.events().orElse(List.of())),
                    route.minSeverity(),
                    route.required()));
        });
        if (channels.isEmpty()) {
            add(new LogChannel(), Duration.ZERO);
            routes.add(Route.everything("log", LogChannel.NAME));
        }
    }

    void announce(@Observes StartupEvent started) {
        channels.values().forEach(channel -> LOG.infof("destination %s: %s", channel.name(), channel.destination()));
        routes.forEach(route -> LOG.infof(
                "route %s: %s%s, at least %s → %s",
                route.name(),
                route.events().isEmpty() ? "every event" : String.join(", ", route.events()),
                route.required() ? " (required)" : "",
                route.minSeverity(),
                route.destinations()));
    }

    @PreDestroy
    void close() {
        channels.values().forEach(NoticeChannel::close);
    }

    /** The configured routes, in configuration order. */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The configured destinations, by name. */
    public Map<String, NoticeChannel> configured() {
        return Map.copyOf(channels);
    }

    /** A destination by name: a configured one, or {@code email:<address>} for a migration's own address. */
    public Optional<NoticeChannel> channel(String name) {
        NoticeChannel configured = channels.get(name);
        if (configured != null) {
            return Optional.of(configured);
        }
        if (name.startsWith(Route.EMAIL_PREFIX) && name.length() > Route.EMAIL_PREFIX.length()) {
            String address = name.substring(Route.EMAIL_PREFIX.length());
            return Optional.of(addresses.computeIfAbsent(name, key -> email(key, List.of(address))));
        }
        return Optional.empty();
    }

    /** The shortest time between two sends to a destination. */
    public Duration minInterval(String name) {
        return minIntervals.getOrDefault(name, Duration.ZERO);
    }

    private void add(Vertx vertx, String name, NotifierConfig.Destination destination) {
        String key = PREFIX + "destinations." + name;
        if (channels.containsKey(name)) {
            throw new IllegalArgumentException(key + " has the name of a destination the single-channel settings make ("
                    + name + "); give it another name");
        }
        String type = destination.type().strip().toLowerCase();
        switch (type) {
            case SlackChannel.TYPE ->
                add(
                        new SlackChannel(
                                vertx,
                                name,
                                key + ".url",
                                required(destination.url(), key + ".url"),
                                destination.timeout(),
                                config.publicUrl()),
                        destination.minInterval().orElse(SLACK_INTERVAL));
            case WebhookChannel.TYPE ->
                add(
                        new WebhookChannel(
                                vertx,
                                name,
                                key + ".url",
                                required(destination.url(), key + ".url"),
                                destination.signingKey().orElse(null),
                                destination.timeout(),
                                Clock.systemUTC()),
                        destination.minInterval().orElse(Duration.ZERO));
            case EmailChannel.TYPE -> {
                List<String> to = addressesOf(destination.to());
                if (to.isEmpty()) {
                    throw new IllegalArgumentException(
                            key + ".to is not set; give the e-mail addresses, comma-separated");
                }
                add(email(name, to), destination.minInterval().orElse(Duration.ZERO));
            }
            default ->
                throw new IllegalArgumentException(
                        key + ".type is \"" + destination.type() + "\"; it must be slack, email or webhook");
        }
    }

    private void add(NoticeChannel channel, Duration minInterval) {
        channels.put(channel.name(), channel);
        minIntervals.put(channel.name(), minInterval);
    }

    private EmailChannel email(String name, List<String> to) {
        return new EmailChannel(
                name,
                mailer,
                to,
                config.email().from(),
                config.email().subjectPrefix(),
                reports::of,
                config.publicUrl());
    }

    private static String required(Optional<String> value, String key) {
        return value.map(String::strip)
                .filter(v -> !v.isEmpty())
                .orElseThrow(() -> new IllegalArgumentException(key + " is not set; give the URL to post to"));
    }

    private static List<String> addressesOf(Optional<List<String>> to) {
        return to.orElse(List.of()).stream()
                .map(String::strip)
                .filter(address -> !address.isEmpty())
                .toList();
    }
}
