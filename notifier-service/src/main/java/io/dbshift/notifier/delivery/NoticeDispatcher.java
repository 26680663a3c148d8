package io.dbshift.notifier.delivery;

import io.dbshift.notifier.channel.NoticeChannel;
import io.dbshift.notifier.config.NotifierConfig;
import io.dbshift.notifier.notice.Notice;
import io.dbshift.notifier.routing.Destinations;
import io.dbshift.notifier.routing.MigrationRoutes;
import io.dbshift.notifier.routing.Route;
import io.dbshift.notifier.routing.Routing;
import io.dbshift.support.OutboxRelay;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Queues a notice for every destination its routes select, in one transaction, and wakes the {@link DeliveryWorker}.
 * The event is acknowledged once its notices are queued, not sent: a destination that is down or slow holds back its
 * own queue and nothing else. A destination that does not exist is recorded FAILED at once, with
 * {@code NotificationFailed}.
 */
@ApplicationScoped
public class NoticeDispatcher {
    private static final Logger LOG = Logger.getLogger(NoticeDispatcher.class);

    private final Destinations destinations;
    private final MigrationRoutes migrationRoutes;
    private final DeliveryLog deliveryLog;
    private final DeliveryWorker worker;
    private final OutboxRelay relay;
    private final Duration digestInterval;

    NoticeDispatcher(
            Destinations destinations,
            MigrationRoutes migrationRoutes,
            DeliveryLog deliveryLog,
            DeliveryWorker worker,
            OutboxRelay relay,
            NotifierConfig config) {
        this.destinations = destinations;
        this.migrationRoutes = migrationRoutes;
        this.deliveryLog = deliveryLog;
        this.worker = worker;
        this.relay = relay;
        this.digestInterval = config.digestInterval();
    }

    /**
     * Queues a notice. A failure to write the delivery log fails it, so that the event is dead-lettered rather than
     * silently dropped.
     */
    public Uni<Void> dispatch(Notice notice) {
        return Panache.withSession(() -> migrationRoutes.of(notice.migrationId()))
                .chain(own -> {
                    List<Route> routes = new ArrayList<>(destinations.routes());
                    routes.addAll(own);
                    Map<String, Boolean> targets = Routing.targets(notice, routes);
                    return Panache.withTransaction(() -> queue(notice, targets));
                })
                .call(relay::flush)
                .invoke(worker::wake);
    }

    private Uni<Void> queue(Notice notice, Map<String, Boolean> targets) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<String, Boolean> target : targets.entrySet()) {
            String name = target.getKey();
            NoticeChannel channel = destinations.channel(name).orElse(null);
            if (channel == null) {
                String reason =
                        "no destination named \"" + name + "\" is configured; add dbshift.notifier.destinations." + name
                                + ".type and its settings, or drop it from the migration's routes";
                // Required still: a recipient the request named and nobody can reach keeps "Team notified" open.
                boolean required = target.getValue();
                chain = chain.chain(() -> deliveryLog
                        .refuse(notice, name, required, reason)
                        .chain(row -> row == null ? Uni.createFrom().voidItem() : worker.giveUp(notice, row)));
                continue;
            }
            boolean required = target.getValue() && channel.reachesPeople();
            chain = chain.chain(() -> deliveryLog
                    .enqueue(notice, name, required, digestInterval)
                    .invoke(queued -> {
                        if (!queued) {
                            LOG.debugf(
                                    "%s: nothing to queue for %s (delivered, queued, or digested)",
                                    notice.eventId(), name);
                        }
                    })
                    .replaceWithVoid());
        }
        return chain;
    }
}
