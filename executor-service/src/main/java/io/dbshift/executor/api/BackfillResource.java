package io.dbshift.executor.api;

import io.dbshift.contracts.request.BackfillSpec;
import io.dbshift.contracts.request.FieldError;
import io.dbshift.contracts.request.RequestValidator;
import io.dbshift.executor.ExecutorConfig;
import io.dbshift.executor.TargetRefusedException;
import io.dbshift.executor.backfill.BackfillControls;
import io.dbshift.executor.backfill.BackfillDryRun;
import io.dbshift.executor.backfill.KeysetBackfill;
import io.dbshift.support.target.TargetDatabases;
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
import java.sql.Connection;
import java.sql.SQLException;
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

    @Inject
    TargetDatabases targets;

    @Inject
    ExecutorConfig config;

    /**
     * A dry run's question.
     *
     * @param target a registered target's name
     * @param backfill the spec, as in a migration request
     * @param sample how many rows to show before and after (default 5, at most 100)
     */
    public record DryRunRequest(String target, BackfillSpec backfill, Integer sample) {}

    /**
     * Counts the rows the backfill would update on the target and shows the first few before and after, changing
     * nothing. Run it on staging after the migration's schema change is applied (the backfill's columns must exist).
     */
    @POST
    @Path("dry-run")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response dryRun(DryRunRequest request) {
        if (request == null || request.target() == null || request.target().isBlank()) {
            return error(400, "give \"target\" (a registered target's name) and \"backfill\" (a backfill spec)");
        }
        List<FieldError> errors = RequestValidator.backfill(request.backfill(), "backfill");
        if (!errors.isEmpty()) {
            return Response.status(400)
                    .entity(Map.of("error", "the backfill spec is not valid", "fields", errors))
                    .build();
        }
        BackfillDryRun dryRun = new BackfillDryRun(config.lockTimeout(), config.batchStatementTimeout());
        try (Connection connection = targets.connect(request.target())) {
            return Response.ok(dryRun.run(
                            connection,
                            request.backfill(),
                            request.sample() == null ? BackfillDryRun.DEFAULT_SAMPLE : request.sample()))
                    .build();
        } catch (TargetDatabases.UnknownTargetException e) {
            return error(404, e.getMessage());
        } catch (TargetRefusedException e) {
            return error(422, e.getMessage());
        } catch (SQLException e) {
            return error(
                    422,
                    "the target refused the dry run: " + e.getMessage() + " (SQLSTATE " + e.getSQLState()
                            + "); nothing was changed");
        }
    }

    private static Response error(int status, String message) {
        return Response.status(status).entity(Map.of("error", message)).build();
    }

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
