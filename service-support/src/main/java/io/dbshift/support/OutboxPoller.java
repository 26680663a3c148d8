package io.dbshift.support;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

/**
 * The relay's backstop: publishes what a crash between commit and publish left in the outbox.
 * It touches the relay only once the application has started, because the relay's Kafka emitter
 * cannot be created before the messaging channels are wired.
 */
@ApplicationScoped
class OutboxPoller {
    @Inject
    OutboxRelay relay;

    private volatile boolean started;

    void onStart(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 1000) StartupEvent event) {
        started = true;
    }

    @Scheduled(
            every = "${dbshift.outbox.poll-interval:1s}",
            delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        return started ? relay.flush() : Uni.createFrom().voidItem();
    }
}
