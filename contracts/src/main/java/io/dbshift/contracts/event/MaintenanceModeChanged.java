package io.dbshift.contracts.event;

/**
 * The workflow's maintenance mode for a target: on before dbshift restores it (the database is dropped and created
 * again, so the application must stop using it), off once the restore is verified. Services subscribe to stop and
 * resume their traffic.
 *
 * @param on true when the maintenance starts
 */
public record MaintenanceModeChanged(String migrationId, String target, boolean on, String reason)
        implements MigrationEvent {}
