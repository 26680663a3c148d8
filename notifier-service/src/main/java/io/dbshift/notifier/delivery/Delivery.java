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

/** One row of the delivery log: what became of one event's notice on one channel. */
@Entity
@Table(name = "delivery_log")
public class Delivery extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id")
    public String eventId;

    public String channel;

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
}
