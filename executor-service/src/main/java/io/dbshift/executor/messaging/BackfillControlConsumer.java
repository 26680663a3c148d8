package io.dbshift.executor.messaging;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.command.ControlBackfill;
import io.dbshift.executor.backfill.BackfillControls;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Operators' pause, resume, cancel and re-rate from {@code dbshift.backfill.control}. Every executor hears every
 * message (a consumer group of its own); the one running the migration's backfill acts on it, the others have nothing
 * to do. Nothing is stored: a message that arrives while no backfill of its migration runs here changes nothing.
 */
@ApplicationScoped
public class BackfillControlConsumer {
    private static final Logger LOG = Logger.getLogger(BackfillControlConsumer.class);

    @Inject
    BackfillControls controls;

    @Incoming("backfill-control")
    public void control(String value) {
        try {
            CloudEvent event = CloudEvent.parse(value);
            if (!(event.payload() instanceof ControlBackfill c)) {
                LOG.warnf("ignored a %s on the backfill control topic", event.type());
                return;
            }
            boolean applied =
                    controls.apply(c.migrationId(), c.action(), c.batchSize(), c.pauseMillis(), c.requestedBy());
            LOG.infof(
                    "backfill control %s for migration %s from %s: %s",
                    c.action(), c.migrationId(), c.requestedBy(), applied ? "applied" : "no backfill of it runs here");
        } catch (RuntimeException e) {
            LOG.warnf("ignored an unreadable backfill control message: %s", e.getMessage());
        }
    }
}
