package io.dbshift.notifier.rest;

import io.dbshift.contracts.MessageTypes;
import io.dbshift.contracts.event.MigrationEvent;
import io.dbshift.contracts.request.FieldError;
import io.dbshift.notifier.channel.NoticeChannel;
import io.dbshift.notifier.delivery.Delivery;
import io.dbshift.notifier.notice.Severity;
import io.dbshift.notifier.routing.Destinations;
import io.dbshift.notifier.routing.MigrationRoute;
import io.dbshift.notifier.routing.MigrationRoutes;
import io.dbshift.notifier.routing.Route;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What the notifier sends where: its destinations (secrets masked), a migration's own routes, and the delivery log of a
 * migration. Routes set here are the migration's {@code api} routes; those from the request's {@code notify} stay.
 */
@Path("/notifications")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {
    private final Destinations destinations;
    private final MigrationRoutes routes;

    NotificationResource(Destinations destinations, MigrationRoutes routes) {
        this.destinations = destinations;
        this.routes = routes;
    }

    /** A destination as shown: never its URL's path or its signing key. */
    public record DestinationView(String name, String type, String destination, long minIntervalMillis) {}

    /** A route as shown and as set. */
    public record RouteView(
            String destination, List<String> events, String minSeverity, Boolean required, String source) {}

    /** The body of a PUT. */
    public record RoutesBody(List<RouteView> routes) {}

    /** One row of the delivery log. */
    public record DeliveryView(
            String eventId,
            String eventType,
            String destination,
            String status,
            int attempts,
            String deliveryId,
            boolean inDoubt,
            String lastError,
            Instant recordedAt) {}

    @GET
    @Path("/destinations")
    public Map<String, Object> destinations() {
        List<DestinationView> views = destinations.configured().values().stream()
                .sorted(Comparator.comparing(NoticeChannel::name))
                .map(c -> new DestinationView(
                        c.name(),
                        c.type(),
                        c.destination(),
                        destinations.minInterval(c.name()).toMillis()))
                .toList();
        List<Map<String, Object>> configuredRoutes = destinations.routes().stream()
                .map(r -> Map.<String, Object>of(
                        "name", r.name(),
                        "destinations", r.destinations(),
                        "events", r.events().isEmpty() ? List.of("*") : List.copyOf(r.events()),
                        "minSeverity", r.minSeverity().name(),
                        "required", r.required()))
                .toList();
        return Map.of("destinations", views, "routes", configuredRoutes);
    }

    @GET
    @Path("/migrations/{id}/routes")
    public Uni<List<RouteView>> routes(@PathParam("id") String id) {
        return Panache.withSession(() -> MigrationRoute.<MigrationRoute>list("migrationId = ?1 order by id", id))
                .map(rows -> rows.stream().map(NotificationResource::view).toList());
    }

    @PUT
    @Path("/migrations/{id}/routes")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> setRoutes(@PathParam("id") String id, RoutesBody body) {
        List<FieldError> errors = new ArrayList<>();
        List<MigrationRoute> rows = new ArrayList<>();
        List<RouteView> given = body == null || body.routes() == null ? List.of() : body.routes();
        for (int i = 0; i < given.size(); i++) {
            RouteView route = given.get(i);
            String field = "routes[" + i + "]";
            String destination =
                    route.destination() == null ? "" : route.destination().strip();
            if (destination.contains("@") && !destination.startsWith(Route.EMAIL_PREFIX)) {
                destination = Route.EMAIL_PREFIX + destination;
            }
            if (destination.isEmpty()) {
                errors.add(new FieldError(
                        field + ".destination", "is required: a destination's name or an e-mail address"));
            } else if (destinations.channel(destination).isEmpty()) {
                errors.add(new FieldError(
                        field + ".destination",
                        "\"" + destination + "\" is not a destination; use one of "
                                + destinations.configured().keySet() + " or an e-mail address"));
            }
            Severity severity = Severity.INFO;
            if (route.minSeverity() != null) {
                try {
                    severity = Severity.valueOf(route.minSeverity().strip().toUpperCase());
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError(field + ".minSeverity", "must be info, success, warning or error"));
                }
            }
            if (route.events() != null) {
                for (String type : route.events()) {
                    String simple = type == null
                            ? ""
                            : type.strip().substring(type.strip().lastIndexOf('.') + 1);
                    if (!simple.equals("*") && !isEvent(simple)) {
                        errors.add(new FieldError(
                                field + ".events",
                                "\"" + type + "\" is not a migration event; use names such as MigrationFailed,"
                                        + " MigrationPlanned or MigrationRolledBack (docs/events.md)"));
                    }
                }
            }
            MigrationRoute row = new MigrationRoute();
            row.destination = destination;
            row.events = route.events() == null || route.events().isEmpty() ? null : String.join(",", route.events());
            row.minSeverity = severity.name();
            row.required = route.required() == null || route.required();
            rows.add(row);
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom()
                    .item(Response.status(400).entity(Map.of("errors", errors)).build());
        }
        return Panache.withTransaction(() -> routes.replace(id, MigrationRoute.FROM_API, rows))
                .chain(() -> routes(id))
                .map(views -> Response.ok(views).build());
    }

    @GET
    @Path("/migrations/{id}/deliveries")
    public Uni<List<DeliveryView>> deliveries(@PathParam("id") String id) {
        return Panache.withSession(() -> Delivery.<Delivery>list("migrationId = ?1 order by recordedAt, id", id))
                .map(rows -> rows.stream()
                        .map(row -> new DeliveryView(
                                row.eventId,
                                row.eventType,
                                row.channel,
                                row.status.name(),
                                row.attempts,
                                row.deliveryId,
                                row.inDoubt,
                                row.lastError,
                                row.recordedAt))
                        .toList());
    }

    private static boolean isEvent(String simpleName) {
        return MessageTypes.isKnown(MessageTypes.PREFIX + simpleName)
                && MigrationEvent.class.isAssignableFrom(MessageTypes.classOf(MessageTypes.PREFIX + simpleName));
    }

    private static RouteView view(MigrationRoute row) {
        return new RouteView(
                row.destination,
                row.events == null ? List.of() : List.of(row.events.split(",")),
                row.minSeverity,
                row.required,
                row.source);
    }
}
