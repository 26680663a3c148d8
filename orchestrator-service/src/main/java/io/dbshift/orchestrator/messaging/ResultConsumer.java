package io.dbshift.orchestrator.messaging;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.WireFormatException;
import io.dbshift.contracts.result.StepResult;
import io.dbshift.contracts.result.TeamNotified;
import io.dbshift.orchestrator.MigrationService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Results from the executor and verifier; each moves its migration on through {@link MigrationService#onResult}. The
 * notifier's {@link TeamNotified} comes this way too: evidence for a checkpoint, not the end of a step.
 */
@ApplicationScoped
public class ResultConsumer {
    @Inject
    MigrationService service;

    @Incoming("results")
    public Uni<Void> consume(String value) {
        CloudEvent event = CloudEvent.parse(value);
        if (event.payload() instanceof TeamNotified notified) {
            return service.onTeamNotified(event.id(), notified);
        }
        if (!(event.payload() instanceof StepResult result)) {
            throw new WireFormatException("\"" + event.type() + "\" is not a step result");
        }
        return service.onResult(event.id(), result);
    }
}
