package io.dbshift.orchestrator.workflow;

import io.dbshift.contracts.Json;
import io.dbshift.contracts.result.BackfillCompleted.BackfillFigures;
import io.dbshift.contracts.result.BackupVerified;
import io.dbshift.contracts.result.ChecksCompleted.CheckResult;
import io.dbshift.contracts.result.SchemaReshaped.ShapeChange;
import io.dbshift.contracts.schema.Finding;
import io.dbshift.contracts.schema.SchemaSnapshot;
import io.dbshift.contracts.schema.StatementAnalysis;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the system has seen of a migration: the design analysis, risk, baselines, each step's
 * outcome, check results and checkpoints with the ids of the events that prove them. Stored as
 * JSON with the migration; new fields are added, never renamed.
 */
public final class Evidence {
    public SchemaSnapshot snapshot;
    public List<StatementAnalysis> statements = new ArrayList<>();
    /** Findings about whole scripts: CONCURRENTLY in a transaction, DDL and a large data change together, no lock_timeout. */
    public List<Finding> findings = new ArrayList<>();
    /** Versions of the request the target had already applied: not analysed, and Flyway skips them. */
    public List<String> alreadyApplied = new ArrayList<>();

    public String riskLevel;
    public List<String> riskReasons = new ArrayList<>();
    /** Row counts before the change, by target. */
    public Map<String, Map<String, Long>> baselines = new LinkedHashMap<>();

    public List<StepRecord> steps = new ArrayList<>();
    /** Check results, by target. */
    public Map<String, List<CheckResult>> checks = new LinkedHashMap<>();
    /** Backfill figures, by target. */
    public Map<String, List<BackfillFigures>> backfills = new LinkedHashMap<>();
    /** The verified backup taken before the target changed, by target. */
    public Map<String, BackupVerified> backups = new LinkedHashMap<>();
    /** The schema just before the scripts were applied, by target: what a rollback must give back. */
    public Map<String, SchemaSnapshot> schemasBefore = new LinkedHashMap<>();
    /** How production is being, or was, rolled back: {@code down} or {@code restore}. */
    public String rollbackMethod;
    /** An operator's request to roll production back after the migration ended: who, why, when, how. */
    public Map<String, Object> rollbackRequest;
    /** The operator's acceptance, when the migration went on although its rollback was not proven. */
    public Map<String, Object> irreversibleAccepted;
    /** Applied versions, by target. */
    public Map<String, List<String>> appliedVersions = new LinkedHashMap<>();

    public Map<String, Checkpoint> checkpoints = new LinkedHashMap<>();
    public String failure;

    /** The operator whose token submitted the request over REST, when the API knows its operators; else null. */
    public String submittedBy;

    /** How far the expand/contract operations have gone, by target: a stage of {@code ReshapeStage}. */
    public Map<String, String> reshapes = new LinkedHashMap<>();
    /** The operations' shapes as the executor reported them last, by target. */
    public Map<String, List<ShapeChange>> shapes = new LinkedHashMap<>();
    /** The application's word that it switched to the new shape (an event or an operator's next): who, how, when. */
    public Map<String, Object> switched;
    /**
     * Each try of production's contract that did not happen, oldest first: why ({@code reason}), when ({@code at}), the
     * result's event ({@code resultEventId}) and the switch it followed ({@code switched}). The migration then waited
     * for the switch again.
     */
    public List<Map<String, Object>> contractRefusals = new ArrayList<>();

    /** Set while the migration waits before a production step: for approvals, its window, or an operator. */
    public Hold hold;
    /** Approvals given, oldest first. */
    public List<Approval> approvals = new ArrayList<>();
    /** In manual mode, the steps an operator said next to. */
    public List<String> manualGo = new ArrayList<>();
    /** An operator's word to go on although the window closed: who, why, when. */
    public Map<String, Object> windowOverride;

    /**
     * A wait before a step.
     *
     * @param waitingFor {@code APPROVAL}, {@code WINDOW} or {@code OPERATOR}
     * @param until when the wait ends by itself, or null
     */
    public record Hold(String stepId, String waitingFor, String reason, Instant since, Instant until) {}

    /** An operator's approval. */
    public record Approval(String by, String reason, Instant at) {}

    /**
     * One step's outcome.
     *
     * @param resultEventId the id of the result event that ended it
     */
    public record StepRecord(
            String stepId,
            String title,
            String target,
            String status,
            Instant startedAt,
            Instant finishedAt,
            String summary,
            String resultEventId) {}

    /** A checkpoint and the evidence for it. */
    public record Checkpoint(String name, Instant reachedAt, Map<String, Object> evidence) {}

    /** A deep copy, so that deciding never mutates the state it decides from. */
    public Evidence copy() {
        return Json.read(Json.write(this), Evidence.class);
    }

    public StepRecord step(String stepId) {
        return steps.stream()
                .filter(s -> s.stepId().equals(stepId))
                .reduce((a, b) -> b)
                .orElse(null);
    }
}
