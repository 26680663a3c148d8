package io.dbshift.contracts.result;

/**
 * A command could not do its work. What it leaves behind depends on the step: a script that
 * fails is rolled back whole (earlier versions of the same request stay applied); a backfill
 * keeps the batches it committed before the failing one; checks and baselines change nothing.
 *
 * @param reason what went wrong, with the database's own message where there is one
 * @param sqlState the PostgreSQL SQLSTATE, when the database refused
 * @param appliedVersions for an apply: the versions it committed before the one that failed, which stay applied
 * @param reshapeStage for an expand/contract step: the stage its operations are at after the failure, as the executor
 *     read it from the target; null when it could not, or for other steps. {@code READY} after a failed contract means
 *     nothing of the contract happened.
 */
public record StepFailed(
        String commandId,
        String migrationId,
        String stepId,
        String target,
        String reason,
        String sqlState,
        java.util.List<String> appliedVersions,
        io.dbshift.contracts.schema.ReshapeStage reshapeStage)
        implements StepResult {

    public StepFailed {
        appliedVersions = appliedVersions == null ? java.util.List.of() : java.util.List.copyOf(appliedVersions);
    }

    public StepFailed(
            String commandId, String migrationId, String stepId, String target, String reason, String sqlState) {
        this(commandId, migrationId, stepId, target, reason, sqlState, java.util.List.of(), null);
    }

    public StepFailed(
            String commandId,
            String migrationId,
            String stepId,
            String target,
            String reason,
            String sqlState,
            java.util.List<String> appliedVersions) {
        this(commandId, migrationId, stepId, target, reason, sqlState, appliedVersions, null);
    }

    /** The same failure, with the versions an apply committed before it. */
    public StepFailed withAppliedVersions(java.util.List<String> versions) {
        return new StepFailed(commandId, migrationId, stepId, target, reason, sqlState, versions, reshapeStage);
    }

    /** The same failure, with the stage an expand/contract step's operations were found at after it. */
    public StepFailed withReshapeStage(io.dbshift.contracts.schema.ReshapeStage stage) {
        return new StepFailed(commandId, migrationId, stepId, target, reason, sqlState, appliedVersions, stage);
    }

    /** The failure of a command, addressed as its result. */
    public static StepFailed of(io.dbshift.contracts.command.Command command, String reason, String sqlState) {
        return new StepFailed(
                command.commandId(), command.migrationId(), command.stepId(), command.target(), reason, sqlState);
    }
}
