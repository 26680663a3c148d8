package io.dbshift.notifier.delivery;

import io.dbshift.contracts.Json;
import io.dbshift.notifier.notice.Notice;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The notifier's memory of what it sent, and its queue: one row per (event id, destination). The consumer queues rows
 * (PENDING); the worker claims one (SENDING, committed) before the send and settles it after (DELIVERED, PENDING again
 * with a later attempt, or FAILED). DELIVERED is final.
 */
@ApplicationScoped
public class DeliveryLog {

    /** The rows of one event, by destination; call inside a session. */
    public Uni<Map<String, Delivery>> rows(String eventId) {
        return Delivery.<Delivery>list("eventId", eventId)
                .map(rows -> rows.stream().collect(Collectors.toMap(row -> row.channel, Function.identity())));
    }

    /**
     * Queues a notice for a destination; call inside a transaction. Nothing is queued when the destination has it or
     * has it queued, or, for a digested notice, when the destination was given one with the same key within
     * {@code digest}. A FAILED row is queued again, for a new round of attempts.
     *
     * @return whether a row was queued
     */
    public Uni<Boolean> enqueue(Notice notice, String channel, boolean required, Duration digest) {
        return find(notice.eventId(), channel).chain(existing -> {
            if (existing != null) {
                if (existing.status != DeliveryStatus.FAILED) {
                    return Uni.createFrom().item(false);
                }
                requeue(existing, notice, required);
                return Uni.createFrom().item(true);
            }
            Uni<Boolean> digested = notice.digestKey() == null
                    ? Uni.createFrom().item(false)
                    : lastDigest(channel, notice.digestKey())
                            .map(last -> last != null && last.plus(digest).isAfter(Instant.now()));
            return digested.chain(skip -> {
                if (skip) {
                    return Uni.createFrom().item(false);
                }
                Delivery row = newRow(notice, channel);
                requeue(row, notice, required);
                return row.persist().replaceWith(true);
            });
        });
    }

    /**
     * Records, without a send, that a notice cannot go to a destination; call inside a transaction. Null when the
     * destination had it already: DELIVERED is final.
     */
    public Uni<Delivery> refuse(Notice notice, String channel, boolean required, String reason) {
        return find(notice.eventId(), channel).chain(existing -> {
            if (existing != null && existing.status == DeliveryStatus.DELIVERED) {
                return Uni.createFrom().nullItem();
            }
            Delivery row = existing != null ? existing : newRow(notice, channel);
            row.required = required;
            row.status = DeliveryStatus.FAILED;
            row.lastError = reason;
            row.recordedAt = Instant.now();
            row.nextAttemptAt = null;
            return existing != null ? Uni.createFrom().item(row) : row.persist();
        });
    }

    /** The queued rows, oldest first; call inside a session. */
    public Uni<List<Delivery>> queued(int limit) {
        return Delivery.<Delivery>find("status = ?1 order by id", DeliveryStatus.PENDING)
                .page(0, limit)
                .list();
    }

    /**
     * Rows left SENDING by a notifier that stopped mid-send go back to the queue, marked in doubt: the destination may
     * have them already. Call inside a transaction, before this process sends anything.
     */
    public Uni<Integer> requeueInterrupted() {
        return Delivery.update(
                "status = ?1, inDoubt = true, nextAttemptAt = ?2 where status = ?3",
                DeliveryStatus.PENDING,
                Instant.now(),
                DeliveryStatus.SENDING);
    }

    /**
     * Claims a queued row whose attempt is due, with one compare-and-set update; null when it is not queued or not
     * due. Call inside a transaction.
     */
    public Uni<Delivery> claim(long id, Instant now) {
        return Delivery.update(
                        "status = ?1, recordedAt = ?2 where id = ?3 and status = ?4"
                                + " and (nextAttemptAt is null or nextAttemptAt <= ?2)",
                        DeliveryStatus.SENDING,
                        now,
                        id,
                        DeliveryStatus.PENDING)
                .chain(claimed -> claimed == 1
                        ? Delivery.<Delivery>findById(id)
                        : Uni.createFrom().nullItem());
    }

    /** Settles a claimed row after an attempt; call inside a transaction. */
    public Uni<Delivery> settle(long id, DeliveryOutcome outcome) {
        return Delivery.<Delivery>findById(id).map(row -> {
            row.status = outcome.status();
            row.attempts++;
            row.roundAttempts++;
            row.lastError = outcome.error();
            row.nextAttemptAt = outcome.nextAttemptAt();
            row.recordedAt = Instant.now();
            return row;
        });
    }

    private static void requeue(Delivery row, Notice notice, boolean required) {
        row.status = DeliveryStatus.PENDING;
        row.notice = Json.write(notice);
        row.required = required;
        row.roundAttempts = 0;
        row.nextAttemptAt = Instant.now();
        row.recordedAt = Instant.now();
    }

    private static Uni<Delivery> find(String eventId, String channel) {
        return Delivery.<Delivery>find("eventId = ?1 and channel = ?2", eventId, channel)
                .firstResult();
    }

    private static Uni<Instant> lastDigest(String channel, String digestKey) {
        return Delivery.<Delivery>find("channel = ?1 and digestKey = ?2 order by recordedAt desc", channel, digestKey)
                .firstResult()
                .map(row -> row == null ? null : row.recordedAt);
    }

    private static Delivery newRow(Notice notice, String channel) {
        Delivery row = new Delivery();
        row.eventId = notice.eventId();
        row.channel = channel;
        row.eventType = notice.eventType();
        row.migrationId = notice.migrationId();
        row.digestKey = notice.digestKey();
        row.deliveryId = UUID.randomUUID().toString();
        return row;
    }
}
