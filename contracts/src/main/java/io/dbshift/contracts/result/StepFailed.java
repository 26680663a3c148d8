package io.dbshift.contracts.result;

/**
 * A command could not do its work. The target is left as it was before the step.
 *
 * @param reason what went wrong, with the database's own message where there is one
 * @param sqlState the PostgreSQL SQLSTATE, when the database refused
 */
public record StepFailed(
    String commandId, String migrationId, String stepId, String target, String reason, String sqlState)
    implements StepResult {}
