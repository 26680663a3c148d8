package io.dbshift.notifier.messaging;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.notifier.delivery.NoticeDispatcher;
import io.dbshift.notifier.notice.Notices;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes the migration events topic and hands the notable ones to the dispatcher.
 *
 * <p>Runs on the Vert.x event loop (no {@code @Blocking}: Hibernate Reactive forbids it). An event
 * that cannot be read fails the returned {@code Uni}; the message is nacked and the channel's
 * dead-letter-queue strategy moves it to {@code dbshift.events.dlq} with the reason, and
 * consuming goes on.
 */
@ApplicationScoped
public class EventConsumer {
    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    private final NoticeDispatcher dispatcher;

    EventConsumer(NoticeDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Incoming("events")
    public Uni<Void> consume(String value) {
        return Uni.createFrom()
                .item(() -> Notices.from(CloudEvent.parse(value)))
                .onFailure()
                .invoke(e -> LOG.warnf("dead-lettering an event that cannot be read: %s", e.getMessage()))
                .chain(notice -> notice.map(dispatcher::dispatch).orElseGet(Uni.createFrom()::voidItem));
    }
}
