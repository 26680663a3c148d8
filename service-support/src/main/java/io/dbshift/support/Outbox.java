package io.dbshift.support;

import io.dbshift.contracts.CloudEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/**
 * Writes messages to the outbox inside the caller's Hibernate Reactive transaction, so that the
 * message exists if and only if the state change it announces was committed.
 */
@ApplicationScoped
public class Outbox {

    /** Adds a message; call inside {@code Panache.withTransaction}. The relay publishes it after commit. */
    public Uni<Void> add(String topic, CloudEvent event) {
        OutboxMessage message = new OutboxMessage();
        message.topic = topic;
        message.messageKey = event.subject();
        message.eventId = event.id();
        message.eventType = event.type();
        message.payload = event.toJson();
        message.createdAt = Instant.now();
        return message.persist().replaceWithVoid();
    }

    /**
     * Publishes an already recorded message once more (same event id, so receivers that saw it drop it);
     * call inside a transaction. False when there is no such message.
     */
    public Uni<Boolean> republish(String eventId) {
        return OutboxMessage.<OutboxMessage>find("eventId = ?1 order by id desc", eventId)
                .firstResult()
                .chain(original -> {
                    if (original == null) {
                        return Uni.createFrom().item(false);
                    }
                    OutboxMessage copy = new OutboxMessage();
                    copy.topic = original.topic;
                    copy.messageKey = original.messageKey;
                    copy.eventId = original.eventId;
                    copy.eventType = original.eventType;
                    copy.payload = original.payload;
                    copy.createdAt = Instant.now();
                    return copy.persist().replaceWith(true);
                });
    }

    /** Every message recorded for one key (a migration), oldest first. */
    public Uni<List<OutboxMessage>> history(String key, String topic) {
        return OutboxMessage.list("messageKey = ?1 and topic = ?2 order by id", key, topic);
    }
}
