package io.dbshift.contracts.event;

/** A request was accepted and the migration exists; the design phase starts. */
public record MigrationRequested(String migrationId, String name, String target, String staging, String requestedBy)
        implements MigrationEvent {}
