package io.dbshift.orchestrator.messaging;

import io.dbshift.contracts.CloudEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Every migration event as it is published, the executor's backfill progress included, for the web page's live view.
 * A consumer group of this instance's own, from the newest offset: nothing is stored, and a page that connects sees
 * what happens from then on (the timeline before it comes from the outbox).
 */
@ApplicationScoped
public class LiveEvents {
    private static final Logger LOG = Logger.getLogger(LiveEvents.class);

    private final BroadcastProcessor<CloudEvent> events = BroadcastProcessor.create();

    @Incoming("live")
    public void onEvent(String value) {
        try {
            events.onNext(CloudEvent.parse(value));
        } catch (RuntimeException e) {
            LOG.debugf("not shown live, unreadable: %s", e.getMessage());
        }
    }

    /** The events of one migration from now on. */
    public Multi<CloudEvent> of(String migrationId) {
        return events.filter(event -> migrationId.equals(event.subject()));
    }
}
