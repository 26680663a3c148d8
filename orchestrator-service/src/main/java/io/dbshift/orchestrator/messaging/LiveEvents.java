package io.dbshift.orchestrator.messaging;

import io.dbshift.contracts.CloudEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Every migration event as it is published, the executor's backfill progress included, for the web page's live view.
 * A consumer group of this instance's own, from the newest offset: nothing is stored, and a page that connects sees
 * what happens from then on (the timeline before it comes from the outbox).
 *
 * <p>Each watcher has an emitter of its own with a bounded buffer: one that disconnects, or reads too slowly, ends its
 * own stream and never the others'.
 */
@ApplicationScoped
public class LiveEvents {
    private static final Logger LOG = Logger.getLogger(LiveEvents.class);
    private static final int BUFFER = 1024;

    /** The open streams, with the migration each one follows. */
    private final Map<MultiEmitter<? super CloudEvent>, String> watchers = new ConcurrentHashMap<>();

    @Incoming("live")
    public void onEvent(String value) {
        CloudEvent event;
        try {
            event = CloudEvent.parse(value);
        } catch (RuntimeException e) {
            LOG.debugf("not shown live, unreadable: %s", e.getMessage());
            return;
        }
        watchers.forEach((emitter, migrationId) -> {
            if (migrationId.equals(event.subject())) {
                try {
                    emitter.emit(event);
                } catch (RuntimeException e) {
                    watchers.remove(emitter);
                }
            }
        });
    }

    /** The events of one migration from now on. */
    public Multi<CloudEvent> of(String migrationId) {
        return Multi.createFrom()
                .emitter(
                        emitter -> {
                            watchers.put(emitter, migrationId);
                            emitter.onTermination(() -> watchers.remove(emitter));
                        },
                        BUFFER);
    }
}
