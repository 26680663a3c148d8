package io.dbshift.contracts.result;

/**
 * A command could not do its work. What it leaves behind depends on the step: a script that
 * fails is rolled back whole (earlier versions of the same request stay applied); a backfill
 * keeps the batches it committed before the failing one; checks and baselines change nothing.
 *
 * @param reason what went wrong, with the database's own message where there is one
 * @param sqlState the PostgreSQL SQLSTATE, when the database refused
 */
public record StepFailed(
        String commandId, String migrationId, String stepId, String target, String reason, String sqlState)
        implements StepResult {

    /** The failure of a command, addressed as its result. */
    public static StepFailed of(io.dbshift.contracts.command.Command command, String reason, String sqlState) {
        return new StepFailed(
                command.commandId(), command.migrationId(), command.stepId(), command.target(), reason, sqlState);
    }
}
