package io.dbshift.notifier.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.request.Notify;
import io.dbshift.notifier.notice.Notice;
import io.dbshift.notifier.notice.Severity;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutingTest {
    private static final Route EVERYTHING_TO_OWNER = Route.everything("owner", "owner");
    private static final Route FAILURES_TO_ALERTS = new Route(
            "alerts",
            List.of("alerts"),
            Set.of("MigrationFailed", "io.dbshift.MigrationRolledBack"),
            Severity.INFO,
            false);
    private static final Route WARNINGS_TO_ONCALL =
            new Route("oncall", List.of("oncall", "owner"), Set.of("*"), Severity.WARNING, false);

    private static Notice notice(String type, Severity severity) {
        return new Notice("evt-1", "io.dbshift." + type, "m-1", severity, "h", List.of(), List.of(), null);
    }

    @Test
    void failuresAndRollbacksGoToAlertsAndEverythingToTheOwner() {
        List<Route> routes = List.of(EVERYTHING_TO_OWNER, FAILURES_TO_ALERTS);

        assertEquals(
                List.of("owner", "alerts"),
                List.copyOf(Routing.targets(notice("MigrationFailed", Severity.ERROR), routes)
                        .keySet()));
        assertEquals(
                List.of("owner", "alerts"),
                List.copyOf(Routing.targets(notice("MigrationRolledBack", Severity.WARNING), routes)
                        .keySet()),
                "a full type name in a route matches the simple name");
        assertEquals(
                List.of("owner"),
                List.copyOf(Routing.targets(notice("MigrationCompleted", Severity.SUCCESS), routes)
                        .keySet()));
    }

    @Test
    void minSeverityLeavesOutWhatIsLessSevere() {
        assertTrue(Routing.targets(notice("MigrationRequested", Severity.INFO), List.of(WARNINGS_TO_ONCALL))
                .isEmpty());
        assertEquals(
                Set.of("oncall", "owner"),
                Routing.targets(notice("MigrationPlanned", Severity.WARNING), List.of(WARNINGS_TO_ONCALL))
                        .keySet());
    }

    @Test
    void aDestinationIsRequiredWhenAnyRouteThatSelectsItIsRequired() {
        Map<String, Boolean> targets = Routing.targets(
                notice("MigrationFailed", Severity.ERROR), List.of(WARNINGS_TO_ONCALL, EVERYTHING_TO_OWNER));

        assertEquals(Map.of("oncall", false, "owner", true), targets);
    }

    @Test
    void aRequestsNotifyBecomesRoutesToItsAddressesAndNamedSlackDestinations() {
        List<MigrationRoute> rows = MigrationRoutes.fromNotify(new Notify(
                List.of("#db-changes", " db-changes ", ""), List.of("alice@example.test", "alice@example.test")));

        assertEquals(
                List.of("email:alice@example.test", "db-changes"),
                rows.stream().map(row -> row.destination).toList());
        Route route = MigrationRoutes.toRoute(rows.get(0));
        assertTrue(route.required() && route.events().isEmpty() && route.minSeverity() == Severity.INFO);
    }
}
