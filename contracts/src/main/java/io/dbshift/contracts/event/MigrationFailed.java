package io.dbshift.contracts.event;

/** A step failed; the reason carries the database's own message where there is one. */
public record MigrationFailed(String migrationId, String name, String stepId, String reason)
        implements MigrationEvent {}
