package io.dbshift.contracts.event;

/**
 * An operator approved, rejected, moved on or marked a checkpoint of a migration.
 *
 * @param action {@code approve}, {@code reject}, {@code next} or {@code checkpoint}
 * @param by the operator's identity (the name of the token the call carried)
 * @param detail the checkpoint's name for {@code checkpoint}; otherwise null
 */
public record OperatorDecision(String migrationId, String name, String action, String by, String reason, String detail)
        implements MigrationEvent {}
