package io.dbshift.notifier.routing;

import io.dbshift.notifier.notice.Notice;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where one notice goes: the union of the destinations of every route that selects it. */
public final class Routing {
    private Routing() {}

    /**
     * @return destination name to whether it is required (some selecting route that names it is required), in the
     *     order the routes name them
     */
    public static Map<String, Boolean> targets(Notice notice, Collection<Route> routes) {
        Map<String, Boolean> targets = new LinkedHashMap<>();
        for (Route route : routes) {
            if (route.selects(notice)) {
                for (String destination : route.destinations()) {
                    targets.merge(destination, route.required(), Boolean::logicalOr);
                }
            }
        }
        return targets;
    }
}
