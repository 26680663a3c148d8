package io.dbshift.notifier.routing;

import io.dbshift.contracts.request.Notify;
import io.dbshift.notifier.notice.Severity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The routes of one migration: everything to the addresses and Slack destinations its request names in
 * {@code notifications}, and whatever an operator set over REST. A {@code notifications.slack} entry names a configured destination
 * ({@code #db-changes} is the destination {@code db-changes}): an incoming webhook posts to the one channel it was
 * made for.
 */
@ApplicationScoped
public class MigrationRoutes {

    /** The migration's routes; call inside a session. */
    public Uni<List<Route>> of(String migrationId) {
        if (migrationId == null) {
            return Uni.createFrom().item(List.of());
        }
        return MigrationRoute.<MigrationRoute>list("migrationId = ?1 order by id", migrationId)
                .map(rows -> rows.stream().map(MigrationRoutes::toRoute).toList());
    }

    /** Replaces the routes of one source; call inside a transaction. */
    public Uni<Void> replace(String migrationId, String source, List<MigrationRoute> routes) {
        return MigrationRoute.delete("migrationId = ?1 and source = ?2", migrationId, source)
                .chain(() -> {
                    Instant now = Instant.now();
                    routes.forEach(route -> {
                        route.migrationId = migrationId;
                        route.source = source;
                        route.createdAt = now;
                    });
                    return MigrationRoute.persist(routes);
                });
    }

    /** The routes a request's {@code notifications} asks for: every notice, each destination required. */
    public static List<MigrationRoute> fromNotify(Notify notify) {
        List<MigrationRoute> routes = new ArrayList<>();
        if (notify == null) {
            return routes;
        }
        if (notify.email() != null) {
            notify.email().stream()
                    .map(String::strip)
                    .filter(address -> !address.isEmpty())
                    .distinct()
                    .forEach(address -> routes.add(row(Route.EMAIL_PREFIX + address)));
        }
        if (notify.slack() != null) {
            notify.slack().stream()
                    .map(String::strip)
                    .map(channel -> channel.startsWith("#") ? channel.substring(1) : channel)
                    .filter(channel -> !channel.isEmpty())
                    .distinct()
                    .forEach(channel -> routes.add(row(channel)));
        }
        return routes;
    }

    private static MigrationRoute row(String destination) {
        MigrationRoute route = new MigrationRoute();
        route.destination = destination;
        route.minSeverity = Severity.INFO.name();
        route.required = true;
        return route;
    }

    static Route toRoute(MigrationRoute row) {
        Set<String> events = row.events == null || row.events.isBlank()
                ? Set.of()
                : Set.copyOf(Arrays.asList(row.events.split(",")));
        return new Route(
                "migration (" + row.source + ")",
                List.of(row.destination),
                events,
                row.minSeverity == null ? Severity.INFO : Severity.valueOf(row.minSeverity),
                row.required);
    }
}
