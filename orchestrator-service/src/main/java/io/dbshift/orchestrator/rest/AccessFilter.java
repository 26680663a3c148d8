package io.dbshift.orchestrator.rest;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Who may call what, and the audit trail. A call carries {@code Authorization: Bearer <token>}; the token names an
 * operator with a role ({@link Operators}). A missing or unknown token gets 401, a role too low for the call 403, each
 * with what to do. Every call that is not a GET is recorded in {@code audit_log} with who, when, what and the answer,
 * refusals included.
 */
public class AccessFilter {
    private static final Logger LOG = Logger.getLogger(AccessFilter.class);
    private static final String IDENTITY = "dbshift.operator";
    private static final Pattern MIGRATION = Pattern.compile("^/?migrations/([^/]+)");

    @Inject
    Operators operators;

    @Inject
    CurrentOperator current;

    @Inject
    Pool pool;

    @ServerRequestFilter
    public Response authorize(ContainerRequestContext request, ResourceInfo resource) {
        Role needed = needed(request.getMethod(), resource.getResourceMethod());
        if (operators.open()) {
            current.set(Operators.ANONYMOUS);
            request.setProperty(IDENTITY, Operators.ANONYMOUS);
            return null;
        }
        String header = request.getHeaderString("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7) : null;
        if (token == null
                && "GET".equals(request.getMethod())
                && request.getUriInfo().getPath().endsWith("/live")) {
            // A browser's EventSource cannot send headers: the live stream alone may carry the token in the query.
            token = request.getUriInfo().getQueryParameters().getFirst("access_token");
        }
        Operators.Identity identity = operators.byToken(token).orElse(null);
        if (identity == null) {
            return error(
                    401,
                    token == null
                            ? "this call needs an operator's token: send Authorization: Bearer <token> (dbshift --token"
                                    + " or DBSHIFT_TOKEN on the command line)"
                            : "the token is not one of this orchestrator's operators; ask an admin for yours");
        }
        current.set(identity);
        request.setProperty(IDENTITY, identity);
        if (!identity.role().permits(needed)) {
            return error(
                    403,
                    identity.name() + " is " + article(identity.role()) + " "
                            + identity.role().label() + "; this call needs the " + needed.label() + " role or above");
        }
        return null;
    }

    @ServerResponseFilter
    public Uni<Void> audit(ContainerRequestContext request, ContainerResponseContext response) {
        if ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod())) {
            return Uni.createFrom().voidItem();
        }
        Object property = request.getProperty(IDENTITY);
        Operators.Identity who = property instanceof Operators.Identity id ? id : null;
        String path = request.getUriInfo().getPath();
        Matcher m = MIGRATION.matcher(path);
        String migrationId = m.find() ? m.group(1) : null;
        String action = request.getMethod() + " /" + path.replaceFirst("^/", "");
        return pool.preparedQuery(
                        "INSERT INTO audit_log (who, role, action, migration_id, status) VALUES ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(
                        who == null ? "(no valid token)" : who.name(),
                        who == null ? null : who.role().label(),
                        action,
                        migrationId,
                        response.getStatus()))
                .replaceWithVoid()
                .onFailure()
                .recoverWithItem(e -> {
                    LOG.errorf("could not record %s by %s in the audit trail: %s", action, who, e.getMessage());
                    return null;
                });
    }

    static Role needed(String httpMethod, Method method) {
        Allowed allowed = method == null ? null : method.getAnnotation(Allowed.class);
        if (allowed != null) {
            return allowed.value();
        }
        return "GET".equals(httpMethod) || "HEAD".equals(httpMethod) ? Role.VIEWER : Role.OPERATOR;
    }

    private static String article(Role role) {
        return role == Role.OPERATOR || role == Role.APPROVER || role == Role.ADMIN ? "an" : "a";
    }

    private static Response error(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message, "fields", List.of()))
                .build();
    }
}
