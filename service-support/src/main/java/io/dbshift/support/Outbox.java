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

    /** Every message recorded for one key (a migration), oldest first. */
    public Uni<List<OutboxMessage>> history(String key, String topic) {
        return OutboxMessage.list("messageKey = ?1 and topic = ?2 order by id", key, topic);
    }
}
