package io.dbshift.notifier.delivery;

/**
 * How one round of attempts to send a notice on a channel ended.
 *
 * @param attempts sends tried in this round, the first included
 * @param error the last failure's message, or null when delivered
 */
public record DeliveryOutcome(DeliveryStatus status, int attempts, String error) {

    public static DeliveryOutcome delivered(int attempts) {
        return new DeliveryOutcome(DeliveryStatus.DELIVERED, attempts, null);
    }

    public static DeliveryOutcome failed(int attempts, String error) {
        return new DeliveryOutcome(DeliveryStatus.FAILED, attempts, error);
    }
}
