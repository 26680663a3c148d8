package io.dbshift.notifier.window;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Topics;
import io.dbshift.contracts.event.MigrationWindowNotice;
import io.dbshift.contracts.request.Window;
import io.dbshift.support.ApplicationStarted;
import io.dbshift.support.Inbox;
import io.dbshift.support.Outbox;
import io.dbshift.support.OutboxRelay;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The communication plan around a migration's window: reminders 24 hours and 1 hour before it opens, and notices when
 * it opens and closes. The window comes with the plan; on a schedule, each due notice is published once as a
 * {@link MigrationWindowNotice} on the events topic (a fixed event id, recorded in the inbox in the same transaction),
 * so it reaches the destinations the way every other event does, and services can hear that the window opened.
 */
@ApplicationScoped
public class WindowNotices {
    static final String SOURCE = "/dbshift/notifier";
    private static final Logger LOG = Logger.getLogger(WindowNotices.class);

    private final Outbox outbox;
    private final OutboxRelay relay;
    private final Inbox inbox;
    private final ApplicationStarted application;
    private final Clock clock = Clock.systemUTC();

    WindowNotices(Outbox outbox, OutboxRelay relay, Inbox inbox, ApplicationStarted application) {
        this.outbox = outbox;
        this.relay = relay;
        this.inbox = inbox;
        this.application = application;
    }

    /** Keeps a planned migration's window; call inside a transaction. */
    public Uni<Void> planned(String migrationId, String name, Window window) {
        if (window == null || window.start() == null) {
            return Uni.createFrom().voidItem();
        }
        return MigrationWindow.<MigrationWindow>findById(migrationId).chain(found -> {
            MigrationWindow row = found != null ? found : new MigrationWindow();
            row.migrationId = migrationId;
            row.name = name;
            row.startsAt = window.start();
            row.endsAt = window.end();
            row.timezone = window.timezone();
            row.done = false;
            return found != null ? Uni.createFrom().voidItem() : row.persist().replaceWithVoid();
        });
    }

    /** The migration ended: its window needs no more notices. Call inside a transaction. */
    public Uni<Void> ended(String migrationId) {
        return MigrationWindow.update("done = true where migrationId = ?1", migrationId)
                .replaceWithVoid();
    }

    @Scheduled(
            every = "${dbshift.notifier.windows.check-every:30s}",
            delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return application.yes()
                ? publishDue(clock.instant())
                : Uni.createFrom().voidItem();
    }

    /** Publishes every notice due at {@code now} that was not published before. */
    public Uni<Void> publishDue(Instant now) {
        return Panache.withTransaction(() -> MigrationWindow.<MigrationWindow>list("done = false")
                        .chain(windows -> {
                            Uni<Void> chain = Uni.createFrom().voidItem();
                            for (MigrationWindow window : windows) {
                                chain = chain.chain(() -> publishDue(window, now));
                            }
                            return chain;
                        }))
                .call(relay::flush)
                .onFailure()
                .recoverWithItem(e -> {
                    LOG.warnf(
                            "could not look at the migration windows; trying again on the next tick: %s",
                            e.getMessage());
                    return null;
                });
    }

    private Uni<Void> publishDue(MigrationWindow window, Instant now) {
        Instant start = window.startsAt.toInstant();
        Instant end = window.endsAt == null ? null : window.endsAt.toInstant();
        List<String> due = WindowSchedule.due(start, end, now);
        if (WindowSchedule.over(start, end, now)) {
            window.done = true;
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String kind : due) {
            String id = "window-" + kind.toLowerCase() + ":" + window.migrationId;
            chain = chain.chain(() -> inbox.seen(id).chain(seen -> {
                if (seen) {
                    return Uni.createFrom().voidItem();
                }
                LOG.infof("migration %s: window notice %s", window.migrationId, kind);
                MigrationWindowNotice notice = new MigrationWindowNotice(
                        window.migrationId, window.name, kind, window.startsAt, window.endsAt, window.timezone);
                return outbox.add(Topics.EVENTS, CloudEvent.of(id, SOURCE, notice))
                        .chain(() -> inbox.record(id));
            }));
        }
        return chain;
    }
}
