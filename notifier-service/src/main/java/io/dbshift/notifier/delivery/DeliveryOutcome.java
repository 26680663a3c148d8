package io.dbshift.notifier.delivery;

import java.time.Instant;

/**
 * How one attempt to send a notice to a destination ended.
 *
 * @param status DELIVERED; PENDING when it is to be tried again at {@code nextAttemptAt}; FAILED when it is given up
 * @param error the failure's message, secrets masked, or null when delivered
 */
public record DeliveryOutcome(DeliveryStatus status, String error, Instant nextAttemptAt) {

    public static DeliveryOutcome delivered() {
        return new DeliveryOutcome(DeliveryStatus.DELIVERED, null, null);
    }

    public static DeliveryOutcome retryAt(Instant next, String error) {
        return new DeliveryOutcome(DeliveryStatus.PENDING, error, next);
    }

    public static DeliveryOutcome failed(String error) {
        return new DeliveryOutcome(DeliveryStatus.FAILED, error, null);
    }
}
