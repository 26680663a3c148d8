package io.dbshift.contracts.event;

/** A plan step started; a command is on its way to the executor or verifier. */
public record StepStarted(String migrationId, String stepId, String title, String target) implements MigrationEvent {}
