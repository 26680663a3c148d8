package io.dbshift.support;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The relay's backstop: publishes what a crash between commit and publish left in the outbox.
 * It touches the relay only once the application has started, because the relay's Kafka emitter
 * cannot be created before the messaging channels are wired.
 */
@ApplicationScoped
class OutboxPoller {
    @Inject
    OutboxRelay relay;

    @Inject
    ApplicationStarted application;

    @Scheduled(
            every = "${dbshift.outbox.poll-interval:1s}",
            delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        return application.yes() ? relay.flush() : Uni.createFrom().voidItem();
    }
}
