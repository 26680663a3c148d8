package io.dbshift.contracts.event;

import java.util.List;

/** The plan document is ready, with its risk level and the reasons for it. */
public record MigrationPlanned(String migrationId, String name, String riskLevel, List<String> riskReasons, String plan)
        implements MigrationEvent {}
