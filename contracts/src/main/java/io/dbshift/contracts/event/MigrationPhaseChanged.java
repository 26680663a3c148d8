package io.dbshift.contracts.event;

import io.dbshift.contracts.Phase;

/** The migration moved from one phase to the next. */
public record MigrationPhaseChanged(String migrationId, String name, Phase from, Phase to, String reason)
        implements MigrationEvent {}
