package io.dbshift.notifier.messaging;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Payload;
import io.dbshift.contracts.event.MigrationCompleted;
import io.dbshift.contracts.event.MigrationFailed;
import io.dbshift.contracts.event.MigrationPlanned;
import io.dbshift.contracts.event.MigrationRejected;
import io.dbshift.contracts.event.MigrationRequested;
import io.dbshift.contracts.event.MigrationRolledBack;
import io.dbshift.notifier.delivery.NoticeDispatcher;
import io.dbshift.notifier.notice.Notice;
import io.dbshift.notifier.notice.Notices;
import io.dbshift.notifier.routing.MigrationRoute;
import io.dbshift.notifier.routing.MigrationRoutes;
import io.dbshift.notifier.window.WindowNotices;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes the migration events topic: remembers what later notices need (a request's own recipients, a plan's
 * window, that a migration ended) and hands the notable events to the dispatcher.
 *
 * <p>Runs on the Vert.x event loop (no {@code @Blocking}: Hibernate Reactive forbids it). An event that cannot be read
 * fails the returned {@code Uni}; the message is nacked and the channel's dead-letter-queue strategy moves it to
 * {@code dbshift.events.dlq} with the reason, and consuming goes on.
 */
@ApplicationScoped
public class EventConsumer {
    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    private final NoticeDispatcher dispatcher;
    private final MigrationRoutes routes;
    private final WindowNotices windows;

    EventConsumer(NoticeDispatcher dispatcher, MigrationRoutes routes, WindowNotices windows) {
        this.dispatcher = dispatcher;
        this.routes = routes;
        this.windows = windows;
    }

    @Incoming("events")
    public Uni<Void> consume(String value) {
        CloudEvent event;
        Optional<Notice> notice;
        try {
            event = CloudEvent.parse(value);
            notice = Notices.from(event);
        } catch (RuntimeException e) {
            LOG.warnf("dead-lettering an event that cannot be read: %s", e.getMessage());
            return Uni.createFrom().failure(e);
        }
        return remember(event.payload())
                .chain(() -> notice.map(dispatcher::dispatch).orElseGet(Uni.createFrom()::voidItem));
    }

    private Uni<Void> remember(Payload payload) {
        if (payload instanceof MigrationRequested requested && requested.notifications() != null) {
            List<MigrationRoute> own = MigrationRoutes.fromNotify(requested.notifications());
            return own.isEmpty()
                    ? Uni.createFrom().voidItem()
                    : Panache.withTransaction(
                            () -> routes.replace(requested.migrationId(), MigrationRoute.FROM_REQUEST, own));
        }
        if (payload instanceof MigrationPlanned planned && planned.window() != null) {
            return Panache.withTransaction(
                    () -> windows.planned(planned.migrationId(), planned.name(), planned.window()));
        }
        if (payload instanceof MigrationCompleted
                || payload instanceof MigrationFailed
                || payload instanceof MigrationRejected
                || payload instanceof MigrationRolledBack) {
            return Panache.withTransaction(() -> windows.ended(payload.migrationId()));
        }
        return Uni.createFrom().voidItem();
    }
}
