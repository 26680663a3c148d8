package io.dbshift.contracts.event;

/** Every step succeeded and the production integrity checks pass. */
public record MigrationCompleted(String migrationId, String name, long durationMs) implements MigrationEvent {}
