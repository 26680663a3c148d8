package io.dbshift.notifier.delivery;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One row of the delivery log: one event's notice for one destination, queued, being sent, delivered or failed. */
@Entity
@Table(name = "delivery_log")
public class Delivery extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id")
    public String eventId;

    /** The destination's name. */
    public String channel;

    /** Sent with every attempt (a webhook header, an e-mail's Message-ID) so that a receiver can drop a copy. */
    @Column(name = "delivery_id")
    public String deliveryId;

    /** Set for digested notices: the delivery log is also the digest's memory of when it last sent. */
    @Column(name = "digest_key")
    public String digestKey;

    /**
     * A send was interrupted (the notifier stopped between claiming and recording it), so the destination may have the
     * notice already; it was sent again with the same delivery id.
     */
    @Column(name = "in_doubt")
    public boolean inDoubt;

    @Column(name = "event_type")
    public String eventType;

    @Column(name = "migration_id")
    public String migrationId;

    @Enumerated(EnumType.STRING)
    public DeliveryStatus status;

    /** Attempts over every delivery of the event, redeliveries included. */
    public int attempts;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "recorded_at")
    public Instant recordedAt;

    /** The notice as JSON: what the worker sends. */
    public String notice;

    /** The destination must have this notice for the plan to count as announced ("Team notified"). */
    public boolean required;

    /** Attempts in the current round: a FAILED row put back by a redelivered event starts a new round. */
    @Column(name = "round_attempts")
    public int roundAttempts;

    /** When a PENDING row may be sent: now, or after a backoff or the receiver's Retry-After. */
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;
}
