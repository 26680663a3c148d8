package io.dbshift.notifier.delivery;

import io.dbshift.notifier.channel.EmailChannel;
import io.dbshift.notifier.channel.LogChannel;
import io.dbshift.notifier.channel.NoticeChannel;
import io.dbshift.notifier.channel.SendFailedException;
import io.dbshift.notifier.channel.SlackChannel;
import io.dbshift.notifier.config.NotifierConfig;
import io.dbshift.notifier.notice.Notice;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Sends a notice on every active channel that has not delivered it yet, retrying failed sends
 * with backoff, and records each outcome in the delivery log after the send.
 *
 * <p>Channels go one after the other and each is recorded as soon as it is done, so a crash
 * between two channels does not resend the first. No session or transaction is held while a
 * channel is called: a slow webhook must not pin a database connection.
 */
@ApplicationScoped
public class NoticeDispatcher {
    private static final Logger LOG = Logger.getLogger(NoticeDispatcher.class);

    private final List<NoticeChannel> channels;
    private final DeliveryLog deliveryLog;
    private final NotifierConfig.Retry retry;

    NoticeDispatcher(
            SlackChannel slack, EmailChannel email, LogChannel log, DeliveryLog deliveryLog, NotifierConfig config) {
        this.channels = activeChannels(List.of(slack, email), log);
        this.deliveryLog = deliveryLog;
        this.retry = config.retry();
    }

    /** The configured channels, or the fallback alone when none is. */
    static List<NoticeChannel> activeChannels(List<NoticeChannel> configurable, NoticeChannel fallback) {
        List<NoticeChannel> configured =
                configurable.stream().filter(NoticeChannel::isConfigured).toList();
        return configured.isEmpty() ? List.of(fallback) : configured;
    }

    void announceChannels(@Observes StartupEvent started) {
        channels.forEach(channel -> LOG.infof("notices go to %s", channel.destination()));
    }

    /**
     * Delivers a notice; never fails because a channel did. A failure to read the delivery log
     * does fail it, so that the event is dead-lettered rather than silently dropped.
     */
    public Uni<Void> dispatch(Notice notice) {
        Context context = Vertx.currentContext();
        return Panache.withSession(() -> deliveryLog.deliveredChannels(notice.eventId()))
                .chain(delivered -> sendPending(notice, delivered, context));
    }

    private Uni<Void> sendPending(Notice notice, Set<String> delivered, Context context) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (NoticeChannel channel : channels) {
            if (delivered.contains(channel.name())) {
                LOG.debugf("%s already delivered on %s, not sending again", notice.eventId(), channel.name());
                continue;
            }
            chain = chain.chain(() -> deliver(notice, channel, context));
        }
        return chain;
    }

    private Uni<Void> deliver(Notice notice, NoticeChannel channel, Context context) {
        AtomicInteger attempts = new AtomicInteger();
        return Uni.createFrom()
                .deferred(() -> {
                    attempts.incrementAndGet();
                    return channel.send(notice);
                })
                .onFailure(e -> SendFailedException.isRetryable(e) && attempts.get() <= retry.maxRetries())
                .invoke(e -> LOG.warnf(
                        "sending %s on %s failed (attempt %d of %d), will retry: %s",
                        notice.eventId(), channel.name(), attempts.get(), retry.maxRetries() + 1, e.getMessage()))
                .onFailure(SendFailedException::isRetryable)
                .retry()
                .withBackOff(retry.initialBackoff(), retry.maxBackoff())
                .atMost(retry.maxRetries())
                .map(ignored -> DeliveryOutcome.delivered(attempts.get()))
                .onFailure()
                .recoverWithItem(e -> {
                    LOG.errorf(
                            "could not send %s on %s after %d attempt(s), recording it as failed: %s",
                            notice.oneLine(), channel.name(), attempts.get(), e.getMessage());
                    return DeliveryOutcome.failed(attempts.get(), e.getMessage());
                })
                // Backoff timers and clients answer on their own threads; Hibernate Reactive must go on
                // on the message's Vert.x context.
                .emitOn(backOn(context))
                .chain(outcome -> Panache.withTransaction(() -> deliveryLog.record(notice, channel.name(), outcome)))
                .onFailure()
                .recoverWithItem(e -> {
                    // The send already happened; failing the message now would dead-letter a sent notice.
                    LOG.errorf(
                            "could not record the delivery of %s on %s: %s",
                            notice.eventId(), channel.name(), e.getMessage());
                    return null;
                });
    }

    private static Executor backOn(Context context) {
        return context == null ? Runnable::run : task -> context.runOnContext(ignored -> task.run());
    }
}
