package io.dbshift.notifier.delivery;

/** How sending one notice to one destination stands. */
public enum DeliveryStatus {
    /**
     * Claimed and being sent. Found by a later delivery of the same event, it means the notifier stopped mid-send: the
     * destination may or may not have the notice, and it is sent again with the same delivery id.
     */
    SENDING,
    /** The destination took the notice; a redelivered event does not send it again. */
    DELIVERED,
    /** Every attempt failed; a redelivered event tries again. */
    FAILED
}
