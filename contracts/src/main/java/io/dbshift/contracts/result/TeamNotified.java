package io.dbshift.contracts.result;

import io.dbshift.contracts.Payload;
import java.time.Instant;
import java.util.List;

/**
 * Every required recipient of the plan's notice has it: the notifier's evidence for the "Team notified" checkpoint,
 * sent to the orchestrator on the results topic.
 *
 * @param planEventId the id of the {@code MigrationPlanned} event that was announced
 * @param deliveries one per destination, with the delivery id the destination received
 */
public record TeamNotified(String migrationId, String planEventId, List<Delivery> deliveries) implements Payload {

    /** One destination that took the notice. */
    public record Delivery(String destination, String deliveryId, Instant deliveredAt) {}
}
