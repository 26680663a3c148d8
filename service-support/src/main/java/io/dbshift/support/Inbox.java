package io.dbshift.support;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * Remembers the ids of handled messages. Recording happens in the same transaction as the
 * handler's effects, so "handled" and "effects committed" cannot disagree.
 */
@ApplicationScoped
public class Inbox {

    /** True when a message with this id was handled before; call inside a session. */
    public Uni<Boolean> seen(String messageId) {
        return ProcessedMessage.<ProcessedMessage>findById(messageId).map(found -> found != null);
    }

    /** Records the id; call inside the handler's transaction. A concurrent duplicate fails its commit. */
    public Uni<Void> record(String messageId) {
        ProcessedMessage message = new ProcessedMessage();
        message.messageId = messageId;
        message.processedAt = Instant.now();
        return message.persist().replaceWithVoid();
    }

    /** A handled message. */
    @Entity
    @Table(name = "inbox")
    public static class ProcessedMessage extends PanacheEntityBase {
        @Id
        @Column(name = "message_id")
        public String messageId;

        @Column(name = "processed_at")
        public Instant processedAt;
    }
}
