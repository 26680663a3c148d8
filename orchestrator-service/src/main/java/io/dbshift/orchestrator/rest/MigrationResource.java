package io.dbshift.orchestrator.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbshift.contracts.Json;
import io.dbshift.contracts.Topics;
import io.dbshift.contracts.request.FieldError;
import io.dbshift.contracts.request.MigrationRequest;
import io.dbshift.orchestrator.Migration;
import io.dbshift.orchestrator.MigrationService;
import io.dbshift.orchestrator.RequestReader;
import io.dbshift.orchestrator.report.ReportDocument;
import io.dbshift.support.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Submit migrations and follow them. */
@Path("/migrations")
public class MigrationResource {
    static final String MARKDOWN = "text/markdown;charset=UTF-8";

    @Inject
    MigrationService service;

    @Inject
    Outbox outbox;

    @Inject
    CurrentOperator operator;

    @Inject
    io.dbshift.orchestrator.messaging.LiveEvents live;

    @Inject
    Operators operators;

    /** The body of approve, reject and next: why. */
    public record ReasonBody(String reason) {}

    /** The body of a checkpoint: its name and a note. */
    public record CheckpointBody(String name, String note) {}

    /** An error body: what is wrong, field by field where it applies. */
    public record ErrorBody(String error, List<FieldError> fields) {}

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Submit a migration request",
            description = "202 with the migration's id; 400 naming every invalid field. "
                    + "An Idempotency-Key header makes a retried submission return the same migration.")
    public Uni<Response> submit(String body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        RequestReader.Read read = RequestReader.read(body);
        if (!read.ok()) {
            return Uni.createFrom().item(badRequest(read.error(), read.fields()));
        }
        MigrationRequest request = read.request();
        List<FieldError> errors = service.validate(request);
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(badRequest("the migration request is invalid; nothing was started", errors));
        }
        String key = idempotencyKey == null || idempotencyKey.isBlank()
                ? "rest:" + UUID.randomUUID()
                : "rest:" + idempotencyKey;
        return service.accept(request, key, operators.open() ? null : operator.name())
                .map(m -> Response.accepted(summary(m))
                        .location(URI.create("/migrations/" + m.id))
                        .build())
                .onFailure(MigrationService.RequestKeyConflict.class)
                .recoverWithItem(e -> Response.status(409)
                        .type(MediaType.APPLICATION_JSON)
                        .entity(new ErrorBody(
                                e.getMessage(),
                                List.of(new FieldError("Idempotency-Key", "already used for a different request"))))
                        .build());
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List migrations, newest first")
    public Uni<List<Map<String, Object>>> list() {
        return Panache.withSession(() -> Migration.<Migration>find("order by createdAt desc")
                        .page(0, 100)
                        .list())
                .map(all -> all.stream().map(MigrationResource::summary).toList());
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A migration: phase, step, risk, checkpoints with evidence, steps")
    public Uni<Response> get(@PathParam("id") String id) {
        return find(id, m -> {
            Map<String, Object> body = new java.util.LinkedHashMap<>(summary(m));
            body.put("evidence", m.parsedEvidence());
            body.put("request", m.parsedRequest());
            return Response.ok(body).build();
        });
    }

    @POST
    @Path("/{id}/rollback")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Roll production back after the migration ended",
            description = "Body: {\"requestedBy\": \"…\", \"reason\": \"…\"}. 202 when the rollback started (by the"
                    + " down scripts staging proved, else from the verified backup); 400 without requestedBy or"
                    + " reason; 404 for an unknown migration; 409 with the reason when it cannot be rolled back"
                    + " (still running, already rolled back, production unchanged, no tested rollback and no backup)")
    public Uni<Response> rollback(@PathParam("id") String id, String body) {
        io.dbshift.contracts.request.RollbackRequest asked;
        try {
            asked = io.dbshift.contracts.Json.MAPPER.readValue(
                    body == null || body.isBlank() ? "{}" : body, io.dbshift.contracts.request.RollbackRequest.class);
        } catch (Exception e) {
            return Uni.createFrom().item(badRequest("the body is not JSON: " + e.getMessage(), List.of()));
        }
        List<FieldError> errors = new java.util.ArrayList<>();
        if (!operators.open()) {
            // The token says who asks; a body cannot speak for someone else.
            asked = new io.dbshift.contracts.request.RollbackRequest(
                    id, operator.name(), asked.reason(), asked.acceptDataLoss());
        }
        if (asked.requestedBy() == null || asked.requestedBy().isBlank()) {
            errors.add(new FieldError("requestedBy", "is required: who asks for the rollback"));
        }
        if (asked.reason() == null || asked.reason().isBlank()) {
            errors.add(new FieldError("reason", "is required: why production is rolled back"));
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(badRequest("the rollback request is incomplete; nothing was started", errors));
        }
        return service.requestRollback(id, asked.requestedBy(), asked.reason(), asked.acceptDataLoss())
                .map(outcome -> {
                    if (outcome.unknown()) {
                        return Response.status(404)
                                .type(MediaType.APPLICATION_JSON)
                                .entity(new ErrorBody("no migration " + id, List.of()))
                                .build();
                    }
                    if (outcome.refusal() != null) {
                        return Response.status(409)
                                .type(MediaType.APPLICATION_JSON)
                                .entity(new ErrorBody(
                                        "migration " + id + " cannot be rolled back: " + outcome.refusal(), List.of()))
                                .build();
                    }
                    return Response.accepted(summary(outcome.migration())).build();
                });
    }

    @GET
    @Path("/{id}/live")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @org.jboss.resteasy.reactive.RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "The migration's events as they happen (server-sent events), backfill progress included",
            description = "Each event is a CloudEvent in structured JSON. From the moment of connecting; the earlier"
                    + " ones are at /migrations/{id}/events. A browser's EventSource cannot send headers: it may give"
                    + " the token as ?access_token=")
    public io.smallrye.mutiny.Multi<String> live(@PathParam("id") String id) {
        return live.of(id).map(io.dbshift.contracts.CloudEvent::toJson);
    }

    @POST
    @Path("/{id}/approve")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Allowed(Role.APPROVER)
    @Operation(
            summary = "Approve a migration before production",
            description = "Body: {\"reason\": \"…\"}. 200 with the migration; 403 for the one who submitted or"
                    + " requested it, or without the approver role; 404 unknown; 409 when approving means nothing now"
                    + " (production started, approved already, ended)")
    public Uni<Response> approve(@PathParam("id") String id, ReasonBody body) {
        return act(id, body, "approve", reason -> service.approve(id, operator.name(), reason));
    }

    @POST
    @Path("/{id}/reject")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Allowed(Role.APPROVER)
    @Operation(
            summary = "Reject a migration: it fails before production",
            description = "Body: {\"reason\": \"…\"}. 200; 404; 409 once production is being changed (ask for a"
                    + " rollback instead), unless it waits for an operator after its window closed")
    public Uni<Response> reject(@PathParam("id") String id, ReasonBody body) {
        return act(id, body, "reject", reason -> service.reject(id, operator.name(), reason));
    }

    @POST
    @Path("/{id}/next")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Go on with a migration that waits for an operator",
            description = "Body: {\"reason\": \"…\"}. Its window closed before a production step: next goes on"
                    + " outside it. Production's contract waits for the application's switch: next says it switched,"
                    + " and tries a contract that did not happen once more. 409 when it waits for approvals or for its"
                    + " window to open, or for nothing")
    public Uni<Response> next(@PathParam("id") String id, ReasonBody body) {
        return act(id, body, "next", reason -> service.next(id, operator.name(), reason));
    }

    @POST
    @Path("/{id}/checkpoints")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Mark a checkpoint a person vouches for",
            description =
                    "Body: {\"name\": \"Monitoring dashboards open\", \"note\": \"…\"}. 409 for the"
                            + " checkpoints that flip only on evidence the system collects (Backup verified, Migration"
                            + " rehearsed, Rollback tested, Data integrity checks passing, Team notified), with what flips them")
    public Uni<Response> checkpoint(@PathParam("id") String id, CheckpointBody body) {
        if (body == null || body.name() == null || body.name().isBlank()) {
            return Uni.createFrom()
                    .item(badRequest(
                            "name the checkpoint",
                            List.of(new FieldError("name", "is required, e.g. \"Monitoring dashboards open\""))));
        }
        return service.checkpoint(id, operator.name(), body.name(), body.note()).map(o -> answer(id, "checkpoint", o));
    }

    private Uni<Response> act(
            String id,
            ReasonBody body,
            String verb,
            java.util.function.Function<String, Uni<MigrationService.ActionOutcome>> action) {
        if (body == null || body.reason() == null || body.reason().isBlank()) {
            return Uni.createFrom()
                    .item(badRequest(
                            "say why: the reason goes to the audit trail and the migration's events",
                            List.of(new FieldError("reason", "is required"))));
        }
        return action.apply(body.reason().strip()).map(outcome -> answer(id, verb, outcome));
    }

    private Response answer(String id, String verb, MigrationService.ActionOutcome outcome) {
        if (outcome.unknown()) {
            return Response.status(404)
                    .type(MediaType.APPLICATION_JSON)
                    .entity(new ErrorBody("no migration " + id, List.of()))
                    .build();
        }
        if (outcome.refusal() != null) {
            return Response.status(outcome.forbidden() ? 403 : 409)
                    .type(MediaType.APPLICATION_JSON)
                    .entity(new ErrorBody("cannot " + verb + " migration " + id + ": " + outcome.refusal(), List.of()))
                    .build();
        }
        return Response.ok(summary(outcome.migration())).build();
    }

    @GET
    @Path("/{id}/plan")
    @Produces(MARKDOWN)
    @Operation(summary = "The plan document (Markdown), once the plan phase is reached")
    public Uni<Response> plan(@PathParam("id") String id) {
        return find(
                id,
                m -> m.plan == null
                        ? Response.status(409)
                                .type(MediaType.TEXT_PLAIN)
                                .entity("migration " + id + " has no plan yet: it is in phase " + m.phase
                                        + "; the plan follows the design analysis\n")
                                .build()
                        : Response.ok(m.plan, MARKDOWN).build());
    }

    @GET
    @Path("/{id}/report")
    @Produces(MARKDOWN)
    @Operation(summary = "The results report (Markdown): outcome, checkpoints, steps, checks")
    public Uni<Response> report(@PathParam("id") String id) {
        return find(
                id,
                m -> Response.ok(
                                ReportDocument.render(
                                        m.id,
                                        m.name,
                                        m.target,
                                        m.staging,
                                        m.phase,
                                        m.parsedEvidence(),
                                        m.createdAt,
                                        m.finishedAt),
                                MARKDOWN)
                        .build());
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The migration's timeline: every event it published, oldest first")
    public Uni<Response> events(@PathParam("id") String id) {
        return Panache.withSession(() -> Migration.<Migration>findById(id)
                .chain(m -> m == null
                        ? Uni.createFrom().item(notFound(id))
                        : outbox.history(id, Topics.EVENTS)
                                .map(messages -> Response.ok(messages.stream()
                                                .map(message -> Json.read(message.payload, JsonNode.class))
                                                .toList())
                                        .build())));
    }

    private Uni<Response> find(String id, java.util.function.Function<Migration, Response> render) {
        return Panache.withSession(() -> Migration.<Migration>findById(id))
                .map(m -> m == null ? notFound(id) : render.apply(m));
    }

    static Map<String, Object> summary(Migration m) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("id", m.id);
        body.put("name", m.name);
        body.put("target", m.target);
        body.put("staging", m.staging);
        body.put("phase", m.phase);
        var state = m.state();
        body.put(
                "step", state.currentStep() == null ? null : state.currentStep().id());
        var evidence = state.evidence();
        body.put("risk", evidence.riskLevel);
        body.put("checkpoints", evidence.checkpoints.keySet());
        body.put("failure", evidence.failure);
        // What it waits for before a production step, if anything: approvals, its window, an operator.
        body.put(
                "waitingFor",
                evidence.hold == null
                        ? null
                        : Map.of(
                                "what", evidence.hold.waitingFor(),
                                "step", evidence.hold.stepId(),
                                "reason", evidence.hold.reason(),
                                "since", String.valueOf(evidence.hold.since())));
        body.put("approvals", evidence.approvals);
        body.put("createdAt", m.createdAt);
        body.put("updatedAt", m.updatedAt);
        body.put("finishedAt", m.finishedAt);
        body.put(
                "links",
                Map.of(
                        "self",
                        "/migrations/" + m.id,
                        "plan",
                        "/migrations/" + m.id + "/plan",
                        "report",
                        "/migrations/" + m.id + "/report",
                        "events",
                        "/migrations/" + m.id + "/events"));
        return body;
    }

    private static Response notFound(String id) {
        return Response.status(404)
                .type(MediaType.APPLICATION_JSON)
                .entity(new ErrorBody("no migration with id \"" + id + "\"; GET /migrations lists them", List.of()))
                .build();
    }

    private static Response badRequest(String error, List<FieldError> fields) {
        return Response.status(400)
                .type(MediaType.APPLICATION_JSON)
                .entity(new ErrorBody(error, fields))
                .build();
    }
}
