package io.dbshift.contracts.request;

/**
 * An operator's acceptance that a migration goes to production without a rollback that was proven on staging: who
 * accepted it and why. Recorded in the migration's evidence and its report.
 *
 * @param acceptedBy who accepts it, e.g. {@code alice@example.com}
 * @param reason why going on without a rollback is acceptable, e.g. {@code restore from the backup is the rollback}
 */
public record IrreversibleAcceptance(String acceptedBy, String reason) {}
