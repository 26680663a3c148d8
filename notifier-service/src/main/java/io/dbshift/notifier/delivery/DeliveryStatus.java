package io.dbshift.notifier.delivery;

/** Where sending one notice to one destination stands. */
public enum DeliveryStatus {
    /** Queued: the worker sends it when its next attempt is due. */
    PENDING,
    /**
     * Being sent. Found when the notifier starts, it means the notifier stopped mid-send: the destination may or may
     * not have the notice, and it goes again with the same delivery id, marked in doubt.
     */
    SENDING,
    /** The destination took the notice; a redelivered event does not send it again. */
    DELIVERED,
    /** Every attempt failed, or the destination refused it; a redelivered event queues it again. */
    FAILED
}
