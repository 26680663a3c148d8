package io.dbshift.notifier.delivery;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.MessageTypes;
import io.dbshift.contracts.Topics;
import io.dbshift.contracts.event.MigrationPlanned;
import io.dbshift.contracts.event.NotificationFailed;
import io.dbshift.contracts.result.TeamNotified;
import io.dbshift.notifier.channel.NoticeChannel;
import io.dbshift.notifier.channel.SendFailedException;
import io.dbshift.notifier.config.NotifierConfig;
import io.dbshift.notifier.notice.Notice;
import io.dbshift.notifier.routing.Destinations;
import io.dbshift.notifier.routing.MigrationRoutes;
import io.dbshift.notifier.routing.Route;
import io.dbshift.notifier.routing.Routing;
import io.dbshift.support.Inbox;
import io.dbshift.support.Outbox;
import io.dbshift.support.OutboxRelay;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Sends a notice to every destination its routes select that does not have it yet, and records each outcome.
 *
 * <p>For each destination, one after the other: claim the delivery (a SENDING row, committed), wait for the
 * destination's rate-limit slot, send with retries (exponential backoff with jitter; a 429's Retry-After is waited
 * out), and settle the row as DELIVERED or FAILED. A FAILED delivery publishes {@link NotificationFailed} on the events
 * topic and on the notifications dead-letter topic, in the transaction that records it. No session or transaction is
 * held during a send: a slow webhook must not pin a database connection.
 *
 * <p>When the plan's notice has reached every required destination, {@link TeamNotified} goes to the orchestrator.
 */
@ApplicationScoped
public class NoticeDispatcher {
    static final String SOURCE = "dbshift/notifier";
    private static final Logger LOG = Logger.getLogger(NoticeDispatcher.class);
    private static final String PLANNED = MessageTypes.typeOf(MigrationPlanned.class);

    private final Destinations destinations;
    private final MigrationRoutes migrationRoutes;
    private final DeliveryLog deliveryLog;
    private final RateLimits rateLimits;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final Inbox inbox;
    private final NotifierConfig.Retry retry;
    private final Duration digestInterval;

    NoticeDispatcher(
            Destinations destinations,
            MigrationRoutes migrationRoutes,
            DeliveryLog deliveryLog,
            RateLimits rateLimits,
            Outbox outbox,
            OutboxRelay relay,
            Inbox inbox,
            NotifierConfig config) {
        this.destinations = destinations;
        this.migrationRoutes = migrationRoutes;
        this.deliveryLog = deliveryLog;
        this.rateLimits = rateLimits;
        this.outbox = outbox;
        this.relay = relay;
        this.inbox = inbox;
        this.retry = config.retry();
        this.digestInterval = config.digestInterval();
    }

    /**
     * Delivers a notice; never fails because a destination did. A failure to read or write the delivery log does fail
     * it, so that the event is dead-lettered rather than silently dropped.
     */
    public Uni<Void> dispatch(Notice notice) {
        Context context = Vertx.currentContext();
        return Panache.withSession(() -> migrationRoutes.of(notice.migrationId()))
                .chain(own -> {
                    List<Route> routes = new ArrayList<>(destinations.routes());
                    routes.addAll(own);
                    Map<String, Boolean> targets = Routing.targets(notice, routes);
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (String destination : targets.keySet()) {
                        chain = chain.chain(() -> deliver(notice, destination, context));
                    }
                    return chain.chain(() -> PLANNED.equals(notice.eventType())
                            ? announceIfEveryoneHasIt(notice, targets)
                            : Uni.createFrom().voidItem());
                });
    }

    private Uni<Void> deliver(Notice notice, String destination, Context context) {
        NoticeChannel channel = destinations.channel(destination).orElse(null);
        if (channel == null) {
            String reason =
                    "no destination named \"" + destination + "\" is configured; add dbshift.notifier.destinations."
                            + destination + ".type and its settings, or drop it from the migration's routes";
            LOG.errorf("cannot send %s: %s", notice.oneLine(), reason);
            return settle(notice, destination, DeliveryOutcome.failed(0, reason));
        }
        return Panache.withTransaction(() -> deliveryLog.claim(notice, destination, digestInterval))
                .chain(claimed -> {
                    if (claimed == null) {
                        LOG.debugf("%s: nothing to send to %s (delivered, or digested)", notice.eventId(), destination);
                        return Uni.createFrom().voidItem();
                    }
                    if (claimed.inDoubt) {
                        LOG.warnf(
                                "%s to %s was being sent when the notifier stopped; sending it again with the same"
                                        + " delivery id %s, which the receiver can use to drop a copy",
                                notice.eventId(), destination, claimed.deliveryId);
                    }
                    return attempt(channel, notice, claimed.deliveryId, 1)
                            // Timers and clients answer on their own threads; Hibernate Reactive must go on on the
                            // message's Vert.x context.
                            .emitOn(backOn(context))
                            .chain(outcome -> settle(notice, destination, outcome));
                });
    }

    private Uni<DeliveryOutcome> attempt(NoticeChannel channel, Notice notice, String deliveryId, int attempt) {
        return rateLimits
                .slot(channel.name(), destinations.minInterval(channel.name()))
                .chain(() -> channel.send(notice, deliveryId))
                .replaceWith(DeliveryOutcome.delivered(attempt))
                .onFailure()
                .recoverWithUni(e -> {
                    if (!SendFailedException.isRetryable(e) || attempt > retry.maxRetries()) {
                        return Uni.createFrom().item(DeliveryOutcome.failed(attempt, e.getMessage()));
                    }
                    Duration wait = backoff(attempt);
                    Duration asked = SendFailedException.retryAfterOf(e);
                    if (asked != null) {
                        if (asked.compareTo(retry.maxRetryAfter()) > 0) {
                            return Uni.createFrom()
                                    .item(DeliveryOutcome.failed(
                                            attempt,
                                            e.getMessage() + "; it asked to wait longer than"
                                                    + " dbshift.notifier.retry.max-retry-after ("
                                                    + retry.maxRetryAfter()
                                                    + ")"));
                        }
                        wait = asked.compareTo(wait) > 0 ? asked : wait;
                    }
                    LOG.warnf(
                            "sending %s to %s failed (attempt %d of %d), trying again in %d ms: %s",
                            notice.eventId(),
                            channel.name(),
                            attempt,
                            retry.maxRetries() + 1,
                            wait.toMillis(),
                            e.getMessage());
                    return Uni.createFrom()
                            .voidItem()
                            .onItem()
                            .delayIt()
                            .by(wait)
                            .chain(() -> attempt(channel, notice, deliveryId, attempt + 1));
                });
    }

    /** The wait before retry {@code attempt}: doubling from the initial backoff, capped, with up to half of it jitter. */
    Duration backoff(int attempt) {
        long base = retry.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, retry.maxBackoff().toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private Uni<Void> settle(Notice notice, String destination, DeliveryOutcome outcome) {
        return Panache.withTransaction(() -> deliveryLog
                        .record(notice, destination, outcome)
                        .chain(row -> {
                            if (outcome.status() != DeliveryStatus.FAILED) {
                                return Uni.createFrom().voidItem();
                            }
                            LOG.errorf(
                                    "could not send %s to %s after %d attempt(s), recording it as failed: %s",
                                    notice.oneLine(), destination, row.attempts, outcome.error());
                            NotificationFailed failed = new NotificationFailed(
                                    notice.migrationId(),
                                    notice.eventId(),
                                    notice.eventType(),
                                    destination,
                                    row.attempts,
                                    outcome.error(),
                                    notice.headline(),
                                    notice.event());
                            return outbox.add(Topics.EVENTS, CloudEvent.of(SOURCE, failed))
                                    .chain(() -> outbox.add(
                                            Topics.NOTIFICATIONS_DEAD_LETTER, CloudEvent.of(SOURCE, failed)));
                        }))
                .call(relay::flush);
    }

    /** Sends {@link TeamNotified} once, when every required destination that reaches people has the plan. */
    private Uni<Void> announceIfEveryoneHasIt(Notice notice, Map<String, Boolean> targets) {
        List<String> required = targets.entrySet().stream()
                .filter(Map.Entry::getValue)
                .map(Map.Entry::getKey)
                .filter(name -> destinations
                        .channel(name)
                        .map(NoticeChannel::reachesPeople)
                        .orElse(true))
                .toList();
        if (required.isEmpty()) {
            LOG.infof(
                    "the plan of %s went to no destination that reaches people; \"Team notified\" stays open",
                    notice.migrationId());
            return Uni.createFrom().voidItem();
        }
        String announcement = "team-notified:" + notice.eventId();
        return Panache.withTransaction(() -> inbox.seen(announcement).chain(seen -> {
                    if (seen) {
                        return Uni.createFrom().voidItem();
                    }
                    return deliveryLog.rows(notice.eventId()).chain(rows -> {
                        List<TeamNotified.Delivery> deliveries = new ArrayList<>();
                        for (String name : required) {
                            Delivery row = rows.get(name);
                            if (row == null || row.status != DeliveryStatus.DELIVERED) {
                                LOG.infof(
                                        "the plan of %s has not reached %s; \"Team notified\" stays open",
                                        notice.migrationId(), name);
                                return Uni.createFrom().voidItem();
                            }
                            deliveries.add(new TeamNotified.Delivery(name, row.deliveryId, row.recordedAt));
                        }
                        TeamNotified notified = new TeamNotified(notice.migrationId(), notice.eventId(), deliveries);
                        return outbox.add(Topics.RESULTS, CloudEvent.of(announcement, SOURCE, notified))
                                .chain(() -> inbox.record(announcement));
                    });
                }))
                .call(relay::flush);
    }

    private static Executor backOn(Context context) {
        return context == null ? Runnable::run : task -> context.runOnContext(ignored -> task.run());
    }
}
