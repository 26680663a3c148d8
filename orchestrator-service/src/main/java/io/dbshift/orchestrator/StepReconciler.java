package io.dbshift.orchestrator;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Phase;
import io.dbshift.contracts.command.Command;
import io.dbshift.orchestrator.plan.PlanStep;
import io.dbshift.orchestrator.workflow.Transition;
import io.dbshift.support.ApplicationStarted;
import io.dbshift.support.Outbox;
import io.dbshift.support.OutboxRelay;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Keeps a migration from waiting forever on a result that was lost (dead-lettered after the
 * orchestrator's database stayed away longer than the retries, say): a step with no result for
 * {@link OrchestratorConfig#resendAfter()} gets its command again, under a new event id. The
 * command id stays the same, so the work is not done twice.
 */
@ApplicationScoped
class StepReconciler {
    private static final Logger LOG = Logger.getLogger(StepReconciler.class);

    @Inject
    OrchestratorConfig config;

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelay relay;

    @Inject
    ApplicationStarted application;

    @Scheduled(
            every = "${dbshift.orchestrator.reconcile-interval:30s}",
            delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> reconcile() {
        if (!application.yes()) {
            return Uni.createFrom().voidItem();
        }
        Instant now = Instant.now();
        return Panache.withTransaction(() -> Migration.<Migration>list(
                                "phase not in ?1 and updatedAt < ?2",
                                List.of(Phase.COMPLETED, Phase.FAILED, Phase.ROLLED_BACK),
                                now.minus(config.resendAfter()))
                        .chain(stale -> {
                            Uni<Void> chain = Uni.createFrom().voidItem();
                            for (Migration migration : stale) {
                                chain = chain.chain(() -> resend(migration, now));
                            }
                            return chain;
                        }))
                .call(relay::flush)
                .onFailure()
                .recoverWithItem(e -> {
                    LOG.warnf("reconciliation pass failed, next pass retries: %s", e.toString());
                    return null;
                });
    }

    @Inject
    MigrationService service;

    /** Migrations waiting for their window go on once it opens. */
    @Scheduled(
            every = "${dbshift.orchestrator.window-check:10s}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> releaseWindows() {
        if (!application.yes()) {
            return Uni.createFrom().voidItem();
        }
        return service.releaseDue(Instant.now()).onFailure().recoverWithItem(e -> {
            LOG.warnf("looking at the windows failed, the next pass retries: %s", e.toString());
            return null;
        });
    }

    private Uni<Void> resend(Migration migration, Instant now) {
        PlanStep step = migration.state().currentStep();
        // A migration held before a step never sent its command: there is nothing to send again.
        if (step == null || migration.state().evidence().hold != null) {
            return Uni.createFrom().voidItem();
        }
        Command command = Transition.commandFor(migration.state(), step);
        LOG.warnf(
                "migration %s: step %s has had no result since %s; its command is sent again",
                migration.id, step.id(), migration.updatedAt);
        migration.updatedAt = now;
        return outbox.add(
                MigrationService.topicOf(command),
                CloudEvent.of(command.commandId() + "/resend-" + now.toEpochMilli(), MigrationService.SOURCE, command));
    }
}
