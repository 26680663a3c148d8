package io.dbshift.orchestrator.workflow;

import io.dbshift.contracts.Phase;
import io.dbshift.contracts.request.MigrationRequest;
import io.dbshift.orchestrator.plan.PlanStep;
import io.dbshift.orchestrator.plan.Steps;
import java.time.Instant;
import java.util.List;

/**
 * What the transition function decides from: a migration's request, phase, current step and evidence.
 *
 * @param stepIndex the index of the step in progress in {@link #steps()}
 */
public record MigrationState(
        String id, MigrationRequest request, Phase phase, int stepIndex, Evidence evidence, Instant createdAt) {

    public List<PlanStep> steps() {
        return Steps.of(request);
    }

    public PlanStep currentStep() {
        List<PlanStep> steps = steps();
        return stepIndex < steps.size() ? steps.get(stepIndex) : null;
    }
}
