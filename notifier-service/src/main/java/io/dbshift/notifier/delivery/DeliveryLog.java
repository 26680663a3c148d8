package io.dbshift.notifier.delivery;

import io.dbshift.notifier.notice.Notice;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The notifier's memory of what it sent, keyed by (event id, channel). A DELIVERED row is final;
 * a FAILED row is updated when the event comes again and the channel is tried once more.
 */
@ApplicationScoped
public class DeliveryLog {

    /** The channels that already delivered this event's notice; call inside a session. */
    public Uni<Set<String>> deliveredChannels(String eventId) {
        return Delivery.<Delivery>list("eventId = ?1 and status = ?2", eventId, DeliveryStatus.DELIVERED)
                .map(rows -> rows.stream().map(row -> row.channel).collect(Collectors.toUnmodifiableSet()));
    }

    /**
     * Records how sending on a channel ended; call inside a transaction. A concurrent consumer
     * recording the same (event, channel) first makes this commit fail on the unique key.
     */
    public Uni<Void> record(Notice notice, String channel, DeliveryOutcome outcome) {
        return Delivery.<Delivery>find("eventId = ?1 and channel = ?2", notice.eventId(), channel)
                .firstResult()
                .chain(existing -> {
                    Delivery row = existing != null ? existing : newRow(notice, channel);
                    row.status = outcome.status();
                    row.attempts += outcome.attempts();
                    row.lastError = outcome.error();
                    row.recordedAt = Instant.now();
                    // A found row is managed: the transaction flushes the change.
                    return existing != null
                            ? Uni.createFrom().voidItem()
                            : row.persist().replaceWithVoid();
                });
    }

    private static Delivery newRow(Notice notice, String channel) {
        Delivery row = new Delivery();
        row.eventId = notice.eventId();
        row.channel = channel;
        row.eventType = notice.eventType();
        row.migrationId = notice.migrationId();
        return row;
    }
}
