package io.dbshift.notifier.delivery;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Json;
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
import io.dbshift.support.ApplicationStarted;
import io.dbshift.support.Inbox;
import io.dbshift.support.Outbox;
import io.dbshift.support.OutboxRelay;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.CompositeException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Sends the queued notices. Each destination is a lane: its rows go in the order they were queued, one at a time,
 * spaced by the destination's rate limit. Lanes run side by side, so a destination that is down, slow or asking to be
 * left alone holds back only its own notices. A row whose attempt fails is queued again after a backoff (exponential,
 * with jitter, at least the receiver's Retry-After) and its lane waits for it; after the last attempt it is FAILED and
 * {@link NotificationFailed} goes to the events topic and to the notifications dead-letter topic, with the original
 * event for replay.
 *
 * <p>A row is claimed (SENDING, committed) before its send and settled after it, and no transaction is open during
 * the send. A row still SENDING when the notifier starts was interrupted: it goes again with the same delivery id,
 * marked in doubt. When the plan's notice has reached every required destination, {@link TeamNotified} goes to the
 * orchestrator.
 *
 * <p>Runs after every queued event and on a schedule (for retries that came due). One instance of the notifier sends;
 * passes do not overlap.
 */
@ApplicationScoped
public class DeliveryWorker {
    static final String SOURCE = "/dbshift/notifier";
    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);
    private static final String PLANNED = MessageTypes.typeOf(MigrationPlanned.class);
    private static final int BATCH = 500;

    private final Destinations destinations;
    private final DeliveryLog deliveryLog;
    private final RateLimits rateLimits;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final Inbox inbox;
    private final ApplicationStarted application;
    private final Vertx vertx;
    private final NotifierConfig.Retry retry;

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile boolean recovered;

    DeliveryWorker(
            Destinations destinations,
            DeliveryLog deliveryLog,
            RateLimits rateLimits,
            Outbox outbox,
            OutboxRelay relay,
            Inbox inbox,
            ApplicationStarted application,
            Vertx vertx,
            NotifierConfig config) {
        this.destinations = destinations;
        this.deliveryLog = deliveryLog;
        this.rateLimits = rateLimits;
        this.outbox = outbox;
        this.relay = relay;
        this.inbox = inbox;
        this.application = application;
        this.vertx = vertx;
        this.retry = config.retry();
    }

    @Scheduled(
            every = "${dbshift.notifier.worker-interval:500ms}",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (application.yes()) {
            wake();
        }
    }

    /** Runs a pass over the queue now, or right after the one running. */
    public void wake() {
        requested.set(true);
        if (running.compareAndSet(false, true)) {
            runPass();
        }
    }

    private void wakeAt(Instant due) {
        long millis = Math.max(1, Duration.between(Instant.now(), due).toMillis());
        vertx.setTimer(millis, ignored -> wake());
    }

    private void runPass() {
        requested.set(false);
        onOwnContext(this::pass).subscribe().with(ignored -> passEnded(), e -> {
            LOG.warnf("a pass over the delivery queue failed; the next one tries again: %s", causes(e));
            passEnded();
        });
    }

    private static String causes(Throwable e) {
        if (e instanceof CompositeException composite) {
            return composite.getCauses().stream()
                    .map(Throwable::getMessage)
                    .collect(java.util.stream.Collectors.joining("; "));
        }
        return e.getMessage();
    }

    private void passEnded() {
        running.set(false);
        if (requested.get() && running.compareAndSet(false, true)) {
            runPass();
        }
    }

    private Uni<Void> pass() {
        Uni<Void> recover = recovered
                ? Uni.createFrom().voidItem()
                : Panache.withTransaction(deliveryLog::requeueInterrupted)
                        .invoke(count -> {
                            recovered = true;
                            if (count > 0) {
                                LOG.warnf(
                                        "%d notice(s) were being sent when the notifier stopped; sending them again with the"
                                                + " same delivery ids, which receivers can use to drop a copy",
                                        count);
                            }
                        })
                        .replaceWithVoid();
        return recover.chain(() -> Panache.withSession(() -> deliveryLog.queued(BATCH)))
                .chain(rows -> {
                    Map<String, List<Long>> lanes = new LinkedHashMap<>();
                    rows.forEach(row -> lanes.computeIfAbsent(row.channel, key -> new ArrayList<>())
                            .add(row.id));
                    List<Uni<Void>> running = new ArrayList<>();
                    lanes.forEach((channel, ids) -> running.add(onOwnContext(() -> lane(channel, ids, 0))));
                    return running.isEmpty()
                            ? Uni.createFrom().voidItem()
                            : Uni.join().all(running).andCollectFailures().replaceWithVoid();
                });
    }

    /** Sends a destination's rows in order until one is not due or must wait for a retry. */
    private Uni<Void> lane(String channel, List<Long> ids, int next) {
        if (next >= ids.size()) {
            return Uni.createFrom().voidItem();
        }
        Context context = Vertx.currentContext();
        long id = ids.get(next);
        return Panache.withTransaction(() -> deliveryLog.claim(id, Instant.now()))
                .chain(row -> {
                    if (row == null) {
                        return Uni.createFrom().voidItem();
                    }
                    Notice notice = Json.read(row.notice, Notice.class);
                    NoticeChannel destination = destinations.channel(channel).orElse(null);
                    if (destination == null) {
                        return settle(
                                        row,
                                        notice,
                                        DeliveryOutcome.failed("no destination named \"" + channel
                                                + "\" is configured any more; add dbshift.notifier.destinations."
                                                + channel + ".type again"))
                                .chain(outcome -> lane(channel, ids, next + 1));
                    }
                    if (row.inDoubt && row.roundAttempts == 0) {
                        LOG.warnf(
                                "sending %s to %s again, in doubt, delivery id %s",
                                notice.eventId(), channel, row.deliveryId);
                    }
                    return rateLimits
                            .slot(channel, destinations.minInterval(channel))
                            .chain(() -> destination.send(notice, row.deliveryId))
                            .replaceWith(DeliveryOutcome.delivered())
                            .onFailure()
                            .recoverWithItem(e -> afterFailure(notice, channel, row.roundAttempts + 1, e))
                            // Timers and clients answer on their own threads; Hibernate Reactive must go on on this
                            // lane's
                            // Vert.x context.
                            .emitOn(task -> context.runOnContext(ignored -> task.run()))
                            .chain(outcome -> settle(row, notice, outcome))
                            .chain(outcome -> {
                                if (outcome.status() == DeliveryStatus.PENDING) {
                                    // The lane waits for this row; a pass comes back for it when it is due.
                                    wakeAt(outcome.nextAttemptAt());
                                    return Uni.createFrom().voidItem();
                                }
                                return lane(channel, ids, next + 1);
                            });
                });
    }

    private DeliveryOutcome afterFailure(Notice notice, String channel, int attempt, Throwable e) {
        String error = e.getMessage();
        if (!SendFailedException.isRetryable(e) || attempt > retry.maxRetries()) {
            return DeliveryOutcome.failed(error);
        }
        Duration wait = backoff(attempt);
        Duration asked = SendFailedException.retryAfterOf(e);
        if (asked != null) {
            if (asked.compareTo(retry.maxRetryAfter()) > 0) {
                return DeliveryOutcome.failed(error + "; it asked to wait longer than"
                        + " dbshift.notifier.retry.max-retry-after (" + retry.maxRetryAfter() + ")");
            }
            wait = asked.compareTo(wait) > 0 ? asked : wait;
        }
        LOG.warnf(
                "sending %s to %s failed (attempt %d of %d), trying again in %d ms: %s",
                notice.eventId(), channel, attempt, retry.maxRetries() + 1, wait.toMillis(), error);
        return DeliveryOutcome.retryAt(Instant.now().plus(wait), error);
    }

    /** The wait before retry {@code attempt}: doubling from the initial backoff, capped, with up to half of it jitter. */
    Duration backoff(int attempt) {
        long base = retry.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, retry.maxBackoff().toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private Uni<DeliveryOutcome> settle(Delivery claimed, Notice notice, DeliveryOutcome outcome) {
        return Panache.withTransaction(() -> deliveryLog
                        .settle(claimed.id, outcome)
                        .chain(row -> {
                            if (outcome.status() == DeliveryStatus.FAILED) {
                                return giveUp(notice, row);
                            }
                            return Uni.createFrom().voidItem();
                        }))
                .call(() -> outcome.status() == DeliveryStatus.DELIVERED
                                && claimed.required
                                && PLANNED.equals(notice.eventType())
                        ? announceIfEveryoneHasIt(notice)
                        : Uni.createFrom().voidItem())
                .call(relay::flush)
                .replaceWith(outcome);
    }

    /** Publishes that a notice was given up on; call inside the transaction that records it FAILED. */
    Uni<Void> giveUp(Notice notice, Delivery row) {
        LOG.errorf(
                "could not send %s to %s after %d attempt(s), recording it as failed: %s",
                notice.oneLine(), row.channel, row.attempts, row.lastError);
        NotificationFailed failed = new NotificationFailed(
                notice.migrationId(),
                notice.eventId(),
                notice.eventType(),
                row.channel,
                row.attempts,
                row.lastError,
                notice.headline(),
                notice.event());
        return outbox.add(Topics.EVENTS, CloudEvent.of(SOURCE, failed))
                .chain(() -> outbox.add(Topics.NOTIFICATIONS_DEAD_LETTER, CloudEvent.of(SOURCE, failed)));
    }

    /** Sends {@link TeamNotified} once, when every required destination has the plan. */
    private Uni<Void> announceIfEveryoneHasIt(Notice notice) {
        String announcement = "team-notified:" + notice.eventId();
        // Two lanes can deliver the plan's last rows at the same moment: the lock makes the second see the first's
        // record.
        return Panache.withTransaction(() -> lock(announcement)
                .chain(() -> inbox.seen(announcement))
                .chain(seen -> {
                    if (seen) {
                        return Uni.createFrom().voidItem();
                    }
                    return deliveryLog.rows(notice.eventId()).chain(rows -> {
                        List<TeamNotified.Delivery> deliveries = new ArrayList<>();
                        for (Delivery row : rows.values()) {
                            if (!row.required) {
                                continue;
                            }
                            if (row.status != DeliveryStatus.DELIVERED) {
                                LOG.debugf("the plan of %s has not reached %s yet", notice.migrationId(), row.channel);
                                return Uni.createFrom().voidItem();
                            }
                            deliveries.add(new TeamNotified.Delivery(row.channel, row.deliveryId, row.recordedAt));
                        }
                        LOG.infof(
                                "the plan of %s reached %s: the team is notified", notice.migrationId(), rows.keySet());
                        TeamNotified notified = new TeamNotified(notice.migrationId(), notice.eventId(), deliveries);
                        return outbox.add(Topics.RESULTS, CloudEvent.of(announcement, SOURCE, notified))
                                .chain(() -> inbox.record(announcement));
                    });
                }));
    }

    private static Uni<Void> lock(String key) {
        return Panache.getSession()
                .chain(session -> session.createNativeQuery("SELECT 1 FROM pg_advisory_xact_lock(hashtext(?1))")
                        .setParameter(1, key)
                        .getSingleResult())
                .replaceWithVoid();
    }

    /** Runs a pipeline on a Vert.x context of its own, so that concurrent lanes never share a database session. */
    private <T> Uni<T> onOwnContext(Supplier<Uni<T>> pipeline) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        // Hibernate Reactive works only on a context flagged as isolated.
        VertxContextSafetyToggle.setContextSafe(context, true);
        return Uni.createFrom()
                .voidItem()
                .emitOn(task -> context.runOnContext(ignored -> task.run()))
                .chain(pipeline::get);
    }
}
