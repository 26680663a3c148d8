package io.dbshift.contracts.event;

import java.util.Map;

/** A workflow checkpoint flipped, with the evidence the system collected for it. */
public record CheckpointReached(String migrationId, String checkpoint, Map<String, Object> evidence)
        implements MigrationEvent {}
