package io.dbshift.contracts.event;

import io.dbshift.contracts.request.Window;
import java.util.List;

/**
 * The plan document is ready, with its risk level and the reasons for it.
 *
 * @param window when production may be changed, as the request gave it (may be null: any time)
 */
public record MigrationPlanned(
        String migrationId, String name, String riskLevel, List<String> riskReasons, String plan, Window window)
        implements MigrationEvent {

    public MigrationPlanned(String migrationId, String name, String riskLevel, List<String> riskReasons, String plan) {
        this(migrationId, name, riskLevel, riskReasons, plan, null);
    }
}
