package io.dbshift.orchestrator.rest;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The audit trail: every call that changed or tried to change something. */
@Path("/audit")
public class AuditResource {
    @Inject
    Pool pool;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Allowed(Role.ADMIN)
    @Operation(summary = "The audit trail, newest first: who, when, what, the answer (admin)")
    public Uni<List<Map<String, Object>>> list(
            @QueryParam("migration") String migrationId, @QueryParam("limit") Integer limit) {
        int rows = limit == null ? 100 : Math.max(1, Math.min(limit, 1000));
        String sql = "SELECT at, who, role, action, migration_id, status FROM audit_log"
                + (migrationId == null ? "" : " WHERE migration_id = $2")
                + " ORDER BY id DESC LIMIT $1";
        Tuple args = migrationId == null ? Tuple.of(rows) : Tuple.of(rows, migrationId);
        return pool.preparedQuery(sql).execute(args).map(result -> {
            List<Map<String, Object>> entries = new ArrayList<>();
            for (Row row : result) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("at", String.valueOf(row.getOffsetDateTime("at").toInstant()));
                entry.put("who", row.getString("who"));
                entry.put("role", row.getString("role"));
                entry.put("action", row.getString("action"));
                entry.put("migrationId", row.getString("migration_id"));
                entry.put("status", row.getInteger("status"));
                entries.add(entry);
            }
            return entries;
        });
    }
}
