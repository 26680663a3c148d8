package io.dbshift.contracts.event;

import java.util.List;

/**
 * Production was rolled back after its verification failed. The migration then ends FAILED.
 *
 * @param method {@code down} (its down scripts) or {@code restore} (its verified backup)
 * @param verified the schema equals the one before the migration and the row counts the expected ones
 * @param differences what differs from before the migration, when not verified
 */
public record MigrationRolledBack(
        String migrationId, String name, String target, String method, boolean verified, List<String> differences)
        implements MigrationEvent {}
