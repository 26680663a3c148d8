package io.dbshift.orchestrator;

import io.dbshift.contracts.Json;
import io.dbshift.contracts.Phase;
import io.dbshift.contracts.request.MigrationRequest;
import io.dbshift.orchestrator.workflow.Evidence;
import io.dbshift.orchestrator.workflow.MigrationState;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A migration: its request, where it is in the workflow, and the evidence collected so far.
 * Concurrent writers are detected by {@link #version}: a stale update changes zero rows and fails.
 */
@Entity
@Table(name = "migration")
public class Migration extends PanacheEntityBase {
    @Id
    public String id;

    /** Idempotency key of the request that created it: a redelivered request finds this row. */
    @Column(name = "request_key")
    public String requestKey;

    public String name;
    public String target;
    public String staging;

    @Column(name = "requested_by")
    public String requestedBy;

    /** The request as received, JSON. */
    public String request;

    @Enumerated(EnumType.STRING)
    public Phase phase;

    @Column(name = "step_index")
    public int stepIndex;

    /** {@link Evidence} as JSON. */
    public String evidence;

    /** The plan document, Markdown; set when the plan phase is reached. */
    public String plan;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Version
    public long version;

    public MigrationRequest parsedRequest() {
        return Json.read(request, MigrationRequest.class);
    }

    public Evidence parsedEvidence() {
        return Json.read(evidence, Evidence.class);
    }

    public MigrationState state() {
        return new MigrationState(id, parsedRequest(), phase, stepIndex, parsedEvidence(), createdAt);
    }
}
