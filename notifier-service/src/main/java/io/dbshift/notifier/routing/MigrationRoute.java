package io.dbshift.notifier.routing;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A route of one migration's own: from its request's {@code notifications}, or set over REST. */
@Entity
@Table(name = "migration_route")
public class MigrationRoute extends PanacheEntityBase {
    /** Routes taken from the request's {@code notifications}. */
    public static final String FROM_REQUEST = "request";
    /** Routes set with {@code PUT /notifications/migrations/{id}/routes}. */
    public static final String FROM_API = "api";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "migration_id")
    public String migrationId;

    /** A configured destination's name, or {@code email:<address>}. */
    public String destination;

    /** Comma-separated simple event type names; null or empty: every type. */
    public String events;

    @Column(name = "min_severity")
    public String minSeverity;

    public boolean required;

    public String source;

    @Column(name = "created_at")
    public Instant createdAt;
}
