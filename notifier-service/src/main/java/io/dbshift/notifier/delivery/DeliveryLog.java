package io.dbshift.notifier.delivery;

import io.dbshift.notifier.notice.Notice;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The notifier's memory of what it sent, keyed by (event id, destination). A row is claimed (SENDING) in its own
 * transaction before the send and settled (DELIVERED or FAILED) after it. DELIVERED is final; FAILED is tried again
 * when the event comes again; SENDING found later means a send was interrupted.
 */
@ApplicationScoped
public class DeliveryLog {

    /** The rows of one event, by destination; call inside a session. */
    public Uni<Map<String, Delivery>> rows(String eventId) {
        return Delivery.<Delivery>list("eventId", eventId)
                .map(rows -> rows.stream().collect(Collectors.toMap(row -> row.channel, Function.identity())));
    }

    /**
     * Claims the send of a notice to a destination; call inside a transaction. Null when there is nothing to send:
     * delivered already, or a digested notice whose destination had one for the same key within {@code digest}.
     */
    public Uni<Delivery> claim(Notice notice, String channel, Duration digest) {
        return Delivery.<Delivery>find("eventId = ?1 and channel = ?2", notice.eventId(), channel)
                .firstResult()
                .chain(existing -> {
                    if (existing != null && existing.status == DeliveryStatus.DELIVERED) {
                        return Uni.createFrom().nullItem();
                    }
                    if (existing == null && notice.digestKey() != null) {
                        return lastDigestSent(channel, notice.digestKey()).chain(last -> {
                            if (last != null && last.plus(digest).isAfter(Instant.now())) {
                                return Uni.createFrom().nullItem();
                            }
                            return claimNew(notice, channel);
                        });
                    }
                    if (existing == null) {
                        return claimNew(notice, channel);
                    }
                    // A row left SENDING: the notifier stopped between the send and recording it.
                    existing.inDoubt = existing.inDoubt || existing.status == DeliveryStatus.SENDING;
                    existing.status = DeliveryStatus.SENDING;
                    existing.recordedAt = Instant.now();
                    return Uni.createFrom().item(existing);
                });
    }

    /** Settles a claimed send; call inside a transaction. */
    public Uni<Delivery> record(Notice notice, String channel, DeliveryOutcome outcome) {
        return Delivery.<Delivery>find("eventId = ?1 and channel = ?2", notice.eventId(), channel)
                .firstResult()
                .chain(existing -> {
                    Delivery row = existing != null ? existing : newRow(notice, channel);
                    row.status = outcome.status();
                    row.attempts += outcome.attempts();
                    row.lastError = outcome.error();
                    row.recordedAt = Instant.now();
                    // A found row is managed: the transaction flushes the change.
                    return existing != null ? Uni.createFrom().item(row) : row.persist();
                });
    }

    private Uni<Delivery> claimNew(Notice notice, String channel) {
        Delivery row = newRow(notice, channel);
        row.status = DeliveryStatus.SENDING;
        row.recordedAt = Instant.now();
        return row.persist();
    }

    private static Uni<Instant> lastDigestSent(String channel, String digestKey) {
        return Delivery.<Delivery>find(
                        "channel = ?1 and digestKey = ?2 and status = ?3 order by recordedAt desc",
                        channel,
                        digestKey,
                        DeliveryStatus.DELIVERED)
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
