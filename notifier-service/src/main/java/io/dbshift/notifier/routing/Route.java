package io.dbshift.notifier.routing;

import io.dbshift.notifier.notice.Notice;
import io.dbshift.notifier.notice.Severity;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which notices go to which destinations.
 *
 * @param name the route's name, for logs: a configuration key, or {@code migration} for a migration's own
 * @param destinations destination names; {@code email:<address>} is an address of the migration's own
 * @param events the event types selected, by simple name; empty selects every type
 * @param minSeverity the least severity selected
 * @param required its destinations must have the plan for the "Team notified" checkpoint to flip
 */
public record Route(
        String name, List<String> destinations, Set<String> events, Severity minSeverity, boolean required) {
    public static final String EMAIL_PREFIX = "email:";

    public Route {
        destinations = List.copyOf(destinations);
        events = events == null
                ? Set.of()
                : events.stream()
                        .map(String::strip)
                        .filter(type -> !type.isEmpty() && !type.equals("*"))
                        .map(type -> type.substring(type.lastIndexOf('.') + 1))
                        .collect(Collectors.toUnmodifiableSet());
        minSeverity = minSeverity == null ? Severity.INFO : minSeverity;
    }

    /** A route that sends every notice to one destination. */
    public static Route everything(String name, String destination) {
        return new Route(name, List.of(destination), Set.of(), Severity.INFO, true);
    }

    public boolean selects(Notice notice) {
        return notice.severity().compareTo(minSeverity) >= 0
                && (events.isEmpty() || events.contains(notice.simpleType()));
    }
}
