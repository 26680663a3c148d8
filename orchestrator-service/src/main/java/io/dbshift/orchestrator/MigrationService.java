package io.dbshift.orchestrator;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Json;
import io.dbshift.contracts.Phase;
import io.dbshift.contracts.Topics;
import io.dbshift.contracts.command.CaptureBaseline;
import io.dbshift.contracts.command.Command;
import io.dbshift.contracts.command.RunChecks;
import io.dbshift.contracts.event.MigrationEvent;
import io.dbshift.contracts.event.MigrationPlanned;
import io.dbshift.contracts.event.MigrationRejected;
import io.dbshift.contracts.request.FieldError;
import io.dbshift.contracts.request.MigrationRequest;
import io.dbshift.contracts.request.RequestValidator;
import io.dbshift.contracts.result.StepResult;
import io.dbshift.contracts.result.TeamNotified;
import io.dbshift.orchestrator.plan.Steps;
import io.dbshift.orchestrator.workflow.ApprovalPolicy;
import io.dbshift.orchestrator.workflow.Decision;
import io.dbshift.orchestrator.workflow.Evidence;
import io.dbshift.orchestrator.workflow.MigrationState;
import io.dbshift.orchestrator.workflow.OperatorActions;
import io.dbshift.orchestrator.workflow.Transition;
import io.dbshift.support.Inbox;
import io.dbshift.support.Outbox;
import io.dbshift.support.OutboxRelay;
import io.dbshift.support.PermanentFailure;
import io.dbshift.support.Retries;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The adapter around {@link Transition}: loads a migration, asks for a decision, and commits the
 * new state together with the commands and events the decision produced (outbox), then publishes.
 */
@ApplicationScoped
public class MigrationService {
    static final String SOURCE = "/dbshift/orchestrator";
    private static final Logger LOG = Logger.getLogger(MigrationService.class);

    @Inject
    Outbox outbox;

    @Inject
    Inbox inbox;

    @Inject
    OutboxRelay relay;

    @Inject
    OrchestratorConfig config;

    public List<FieldError> validate(MigrationRequest request) {
        return new RequestValidator(config.targets()).validate(request);
    }

    /**
     * Creates the migration for a valid request and starts it. A request key seen before returns
     * the migration it created, unchanged.
     */
    public Uni<Migration> accept(MigrationRequest request, String requestKey) {
        return accept(request, requestKey, null);
    }

    /** As {@link #accept(MigrationRequest, String)}, remembering which operator submitted it. */
    public Uni<Migration> accept(MigrationRequest request, String requestKey, String submittedBy) {
        return Retries.onTransientFaults(
                "request " + requestKey,
                () -> Panache.withTransaction(() -> Migration.<Migration>find("requestKey", requestKey)
                                .firstResult()
                                .chain(existing -> {
                                    if (existing == null) {
                                        return create(request, requestKey, submittedBy);
                                    }
                                    if (!existing.request.equals(Json.write(request))) {
                                        return Uni.createFrom()
                                                .failure(new RequestKeyConflict(requestKey, existing.id));
                                    }
                                    return Uni.createFrom().item(existing);
                                }))
                        .call(relay::flush));
    }

    private Uni<Migration> create(MigrationRequest request, String requestKey, String submittedBy) {
        Instant now = Instant.now();
        Migration migration = new Migration();
        migration.id = UUID.randomUUID().toString();
        migration.requestKey = requestKey;
        migration.name = request.name();
        migration.target = request.target();
        migration.staging = request.staging();
        migration.requestedBy = request.requestedBy();
        migration.request = Json.write(request);
        migration.createdAt = now;
        Evidence evidence = new Evidence();
        evidence.submittedBy = submittedBy;
        MigrationState initial = new MigrationState(migration.id, request, null, 0, evidence, now);
        Decision decision = Transition.start(initial, now);
        apply(migration, decision, now);
        LOG.infof(
                "migration %s (%s) accepted: %d steps",
                migration.id, request.name(), Steps.of(request).size());
        return migration.persist().chain(() -> emit(migration.id, decision)).replaceWith(migration);
    }

    /** A request key reused for a different request: the second request is refused, not merged. */
    public static class RequestKeyConflict extends PermanentFailure {
        public final String migrationId;

        RequestKeyConflict(String requestKey, String migrationId) {
            super("the key " + requestKey.substring(requestKey.indexOf(':') + 1)
                    + " was already used for a different request " + "(migration " + migrationId
                    + "); use a new key for a new request");
            this.migrationId = migrationId;
        }
    }

    /** Announces a refused request; nothing is created. */
    public Uni<Void> reject(String requestKey, String name, List<FieldError> errors) {
        String id = UUID.nameUUIDFromBytes(requestKey.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
        LOG.warnf("request %s refused: %s", requestKey, errors);
        return Retries.onTransientFaults(
                "rejection of " + requestKey,
                () -> Panache.withTransaction(() -> inbox.seen("reject:" + requestKey)
                                .chain(seen -> seen
                                        ? Uni.createFrom().voidItem()
                                        : inbox.record("reject:" + requestKey)
                                                .chain(() -> outbox.add(
                                                        Topics.EVENTS,
                                                        CloudEvent.of(
                                                                SOURCE, new MigrationRejected(id, name, errors))))))
                        .call(relay::flush));
    }

    /** Applies a result from the executor or verifier, once. */
    public Uni<Void> onResult(String resultEventId, StepResult result) {
        // A conflicting writer (optimistic lock) or a database hiccup: the retry reloads and decides again.
        return Retries.onTransientFaults(
                "result " + resultEventId,
                () -> Panache.withTransaction(() -> inbox.seen(resultEventId).chain(seen -> {
                            if (seen) {
                                LOG.infof("result %s was handled before; a redelivery changes nothing", resultEventId);
                                return Uni.createFrom().voidItem();
                            }
                            return Migration.<Migration>findById(result.migrationId())
                                    .chain(migration -> {
                                        if (migration == null) {
                                            LOG.warnf(
                                                    "result %s names migration %s, which does not exist; ignored",
                                                    resultEventId, result.migrationId());
                                            return inbox.record(resultEventId);
                                        }
                                        Instant now = Instant.now();
                                        Decision decision = Transition.onResult(
                                                migration.state(), result, resultEventId, now, policy());
                                        if (!decision.changed()) {
                                            LOG.infof("migration %s: %s", migration.id, decision.note());
                                            return inbox.record(resultEventId);
                                        }
                                        apply(migration, decision, now);
                                        return inbox.record(resultEventId).chain(() -> emit(migration.id, decision));
                                    });
                        }))
                        .call(relay::flush));
    }

    /** The notifier's evidence that the plan reached everyone it had to; applied once. */
    public Uni<Void> onTeamNotified(String eventId, TeamNotified notified) {
        return Retries.onTransientFaults(
                "team notice " + eventId,
                () -> Panache.withTransaction(() -> inbox.seen(eventId).chain(seen -> {
                            if (seen) {
                                return Uni.createFrom().voidItem();
                            }
                            return Migration.<Migration>findById(notified.migrationId())
                                    .chain(migration -> {
                                        if (migration == null) {
                                            LOG.warnf(
                                                    "team notice %s names migration %s, which does not exist; ignored",
                                                    eventId, notified.migrationId());
                                            return inbox.record(eventId);
                                        }
                                        Instant now = Instant.now();
                                        Decision decision = Transition.teamNotified(migration.state(), notified, now);
                                        if (!decision.changed()) {
                                            LOG.debugf("migration %s: %s", migration.id, decision.note());
                                            return inbox.record(eventId);
                                        }
                                        migration.evidence = Json.write(decision.evidence());
                                        migration.updatedAt = now;
                                        return inbox.record(eventId).chain(() -> emit(migration.id, decision));
                                    });
                        }))
                        .call(relay::flush));
    }

    /** A policy that names an unknown risk level stops the start, naming the setting. */
    void checkPolicy(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent started) {
        ApprovalPolicy policy = policy();
        LOG.infof(
                "approval before production: %s",
                policy.levels().isEmpty()
                        ? "never"
                        : policy.approvers() + " for risk " + String.join(", ", policy.levels()));
    }

    private volatile ApprovalPolicy policy;

    /** The approval policy, read from configuration once. */
    public ApprovalPolicy policy() {
        ApprovalPolicy read = policy;
        if (read == null) {
            read = new ApprovalPolicy(
                    Set.copyOf(config.approval().requiredFor()),
                    config.approval().approvers());
            policy = read;
        }
        return read;
    }

    /**
     * What became of an operator's action: done, refused with why (forbidden when the operator may not do it to this
     * migration, such as approving their own), or no such migration.
     */
    public record ActionOutcome(Migration migration, String refusal, boolean forbidden) {
        public boolean unknown() {
            return migration == null;
        }
    }

    /** An approval by an operator. Whoever submitted or requested the migration cannot approve it. */
    public Uni<ActionOutcome> approve(String migrationId, String by, String reason) {
        return operate(migrationId, "approve", migration -> {
            String submittedBy = migration.state().evidence().submittedBy;
            if (submittedBy != null && submittedBy.equalsIgnoreCase(by)) {
                return null;
            }
            return OperatorActions.approve(migration.state(), by, reason, Instant.now(), policy());
        });
    }

    public Uni<ActionOutcome> reject(String migrationId, String by, String reason) {
        return operate(migrationId, "reject", m -> OperatorActions.reject(m.state(), by, reason, Instant.now()));
    }

    public Uni<ActionOutcome> next(String migrationId, String by, String reason) {
        return operate(migrationId, "next", m -> OperatorActions.next(m.state(), by, reason, Instant.now(), policy()));
    }

    /**
     * An application's deploy says it runs on the new shape: production's contract may go on.
     *
     * @param event the event that said so (its CloudEvent id): the same event delivered again changes nothing
     */
    public Uni<ActionOutcome> switched(String migrationId, String application, String version, String event) {
        return operate(
                migrationId,
                "switched",
                m -> OperatorActions.switched(m.state(), application, version, event, Instant.now(), policy()));
    }

    public Uni<ActionOutcome> checkpoint(String migrationId, String by, String checkpoint, String note) {
        return operate(
                migrationId,
                "checkpoint",
                m -> OperatorActions.checkpoint(m.state(), by, checkpoint, note, Instant.now()));
    }

    /**
     * Applies an operator's decision, once, in one transaction with its messages. A null decision means the operator
     * may not act on this migration at all.
     */
    private Uni<ActionOutcome> operate(String migrationId, String action, Function<Migration, Decision> decide) {
        return Retries.onTransientFaults(
                action + " of " + migrationId,
                () -> Panache.withTransaction(() -> Migration.<Migration>findById(migrationId)
                                .chain(migration -> {
                                    if (migration == null) {
                                        return Uni.createFrom().item(new ActionOutcome(null, null, false));
                                    }
                                    Decision decision = decide.apply(migration);
                                    if (decision == null) {
                                        return Uni.createFrom()
                                                .item(new ActionOutcome(
                                                        migration,
                                                        "you submitted this migration and cannot " + action + " it",
                                                        true));
                                    }
                                    if (!decision.changed()) {
                                        boolean own = decision.note().contains("cannot approve it");
                                        return Uni.createFrom()
                                                .item(new ActionOutcome(migration, decision.note(), own));
                                    }
                                    Instant now = Instant.now();
                                    apply(migration, decision, now);
                                    LOG.infof("migration %s: %s by an operator", migrationId, action);
                                    return emit(migration.id, decision)
                                            .replaceWith(new ActionOutcome(migration, null, false));
                                }))
                        .call(relay::flush));
    }

    /** Migrations waiting for a window that has opened go on. Called on a schedule. */
    public Uni<Void> releaseDue(Instant now) {
        return Panache.withTransaction(() -> Migration.<Migration>list(
                                "phase not in ?1", List.of(Phase.COMPLETED, Phase.FAILED, Phase.ROLLED_BACK))
                        .chain(live -> {
                            Uni<Void> chain = Uni.createFrom().voidItem();
                            for (Migration migration : live) {
                                Decision decision = OperatorActions.clock(migration.state(), now, policy());
                                if (decision.changed()) {
                                    LOG.infof("migration %s: its window opened; production goes on", migration.id);
                                    apply(migration, decision, now);
                                    chain = chain.chain(() -> emit(migration.id, decision));
                                }
                            }
                            return chain;
                        }))
                .call(relay::flush);
    }

    /** What became of an operator's rollback request: started, refused (with why), or no such migration. */
    public record RollbackOutcome(Migration migration, String refusal) {
        public boolean unknown() {
            return migration == null;
        }
    }

    /** An operator asks for production to be rolled back after the migration ended. */
    public Uni<RollbackOutcome> requestRollback(
            String migrationId, String requestedBy, String reason, boolean acceptDataLoss) {
        return Retries.onTransientFaults(
                "rollback of " + migrationId,
                () -> Panache.withTransaction(() -> Migration.<Migration>findById(migrationId)
                                .chain(migration -> {
                                    if (migration == null) {
                                        return Uni.createFrom().item(new RollbackOutcome(null, null));
                                    }
                                    Instant now = Instant.now();
                                    Decision decision = Transition.rollbackRequested(
                                            migration.state(), requestedBy, reason, acceptDataLoss, now);
                                    if (!decision.changed()) {
                                        return Uni.createFrom().item(new RollbackOutcome(migration, decision.note()));
                                    }
                                    apply(migration, decision, now);
                                    migration.finishedAt = null;
                                    LOG.infof(
                                            "migration %s: rollback of production asked by %s: %s",
                                            migrationId, requestedBy, reason);
                                    return emit(migration.id, decision)
                                            .replaceWith(new RollbackOutcome(migration, null));
                                }))
                        .call(relay::flush));
    }

    private static void apply(Migration migration, Decision decision, Instant now) {
        migration.phase = decision.phase();
        migration.stepIndex = decision.stepIndex();
        migration.evidence = Json.write(decision.evidence());
        migration.updatedAt = now;
        if (decision.phase().isTerminal()) {
            migration.finishedAt = now;
        }
        decision.events().stream()
                .filter(MigrationPlanned.class::isInstance)
                .map(MigrationPlanned.class::cast)
                .findFirst()
                .ifPresent(planned -> migration.plan = planned.plan());
    }

    /** The verifier checks and counts; the executor does everything that changes or documents a target. */
    static String topicOf(Command command) {
        return command instanceof CaptureBaseline || command instanceof RunChecks
                ? Topics.VERIFIER_COMMANDS
                : Topics.EXECUTOR_COMMANDS;
    }

    private Uni<Void> emit(String migrationId, Decision decision) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (MigrationEvent event : decision.events()) {
            chain = chain.chain(() -> outbox.add(Topics.EVENTS, CloudEvent.of(SOURCE, event)));
        }
        for (Command command : decision.commands()) {
            String topic = topicOf(command);
            // The command's id is the CloudEvent id: re-sending it is recognised downstream.
            chain = chain.chain(() -> outbox.add(topic, CloudEvent.of(command.commandId(), SOURCE, command)));
        }
        return chain;
    }
}
