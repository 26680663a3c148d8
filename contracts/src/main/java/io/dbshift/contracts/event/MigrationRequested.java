package io.dbshift.contracts.event;

import io.dbshift.contracts.request.Notify;

/**
 * A request was accepted and the migration exists; the design phase starts.
 *
 * @param notifications who the request asked to be told about this migration, besides the notifier's own routes (may be null)
 */
public record MigrationRequested(
        String migrationId, String name, String target, String staging, String requestedBy, Notify notifications)
        implements MigrationEvent {

    public MigrationRequested(String migrationId, String name, String target, String staging, String requestedBy) {
        this(migrationId, name, target, staging, requestedBy, null);
    }
}
