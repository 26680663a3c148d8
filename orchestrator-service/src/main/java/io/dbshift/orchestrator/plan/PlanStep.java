package io.dbshift.orchestrator.plan;

import io.dbshift.contracts.Phase;

/**
 * One step of a migration's plan. Its id is stable ({@code staging.apply}), so the command it
 * produces has a deterministic id and a redelivered command or result is recognised.
 *
 * @param target the registered target the step acts on
 */
public record PlanStep(String id, Phase phase, StepKind kind, String target, String title) {}
