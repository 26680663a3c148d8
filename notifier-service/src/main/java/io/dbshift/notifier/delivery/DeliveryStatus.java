package io.dbshift.notifier.delivery;

/** How sending one notice on one channel ended. */
public enum DeliveryStatus {
    /** The channel took the notice; a redelivered event does not send it again. */
    DELIVERED,
    /** Every attempt failed; a redelivered event tries again. */
    FAILED
}
