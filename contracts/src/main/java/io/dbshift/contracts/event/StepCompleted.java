package io.dbshift.contracts.event;

/** A plan step finished successfully. */
public record StepCompleted(String migrationId, String stepId, String title, String target, String summary)
        implements MigrationEvent {}
