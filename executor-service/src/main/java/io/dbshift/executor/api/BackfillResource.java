package io.dbshift.executor.api;

import io.dbshift.executor.backfill.BackfillControls;
import io.dbshift.executor.backfill.KeysetBackfill;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backfills running in this executor, and an operator's hold on them: pause, resume, cancel, re-rate. Each acts
 * between two batches; the cursor makes that safe. The same actions arrive on Kafka ({@code dbshift.backfill.control}).
 */
@Path("/backfills")
@Produces(MediaType.APPLICATION_JSON)
public class BackfillResource {
    @Inject
    BackfillControls controls;

    /** @param batchSize rows per batch from now on, fixed; @param pauseMillis pause after every batch from now on */
    public record Rate(Integer batchSize, Integer pauseMillis) {}

    @GET
    public List<Map<String, Object>> running() {
        return controls.running().entrySet().stream()
                .map(e -> {
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("migrationId", e.getKey());
                    view.put("backfillId", e.getValue().backfillId());
                    view.put("paused", e.getValue().paused());
                    view.put("holding", e.getValue().holding());
                    e.getValue().last().ifPresent(p -> view.put("progress", p));
                    return view;
                })
                .toList();
    }

    @POST
    @Path("{migrationId}/{action: pause|resume|cancel}")
    public Response act(
            @PathParam("migrationId") String migrationId,
            @PathParam("action") String action,
            @HeaderParam("X-Requested-By") String requestedBy) {
        return answer(migrationId, action, controls.apply(migrationId, action, null, null, requestedBy));
    }

    @PUT
    @Path("{migrationId}/rate")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response rate(
            @PathParam("migrationId") String migrationId,
            Rate rate,
            @HeaderParam("X-Requested-By") String requestedBy) {
        if (rate == null
                || (rate.batchSize() == null && rate.pauseMillis() == null)
                || (rate.batchSize() != null && (rate.batchSize() < 1 || rate.batchSize() > KeysetBackfill.MAX_BATCH))
                || (rate.pauseMillis() != null && (rate.pauseMillis() < 0 || rate.pauseMillis() > 60_000))) {
            return Response.status(400)
                    .entity(Map.of(
                            "error",
                            "give batchSize (1 to " + KeysetBackfill.MAX_BATCH + ") and/or pauseMillis (0 to 60000)"))
                    .build();
        }
        return answer(
                migrationId,
                "rate",
                controls.apply(migrationId, "rate", rate.batchSize(), rate.pauseMillis(), requestedBy));
    }

    private static Response answer(String migrationId, String action, boolean applied) {
        if (!applied) {
            return Response.status(404)
                    .entity(Map.of(
                            "error",
                            "no backfill of migration " + migrationId + " is running on this executor;"
                                    + " GET /backfills lists the running ones"))
                    .build();
        }
        return Response.accepted(Map.of("migrationId", migrationId, "action", action, "applied", true))
                .build();
    }
}
