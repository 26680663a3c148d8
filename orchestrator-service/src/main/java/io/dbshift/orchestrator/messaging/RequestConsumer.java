package io.dbshift.orchestrator.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbshift.contracts.Json;
import io.dbshift.contracts.WireFormatException;
import io.dbshift.contracts.request.FieldError;
import io.dbshift.orchestrator.MigrationService;
import io.dbshift.orchestrator.RequestReader;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Migration requests published on the requests topic with a plain Kafka producer: the value is
 * the request JSON, or a CloudEvent whose {@code data} is the request. A request that is not
 * JSON is a poison message (dead-letter topic, with the reason); a JSON request that is invalid
 * is refused with a {@code MigrationRejected} event naming each field. Either way consumption goes on.
 */
@ApplicationScoped
public class RequestConsumer {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(RequestConsumer.class);

    @Inject
    MigrationService service;

    @Incoming("requests")
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        JsonNode value;
        try {
            value = Json.MAPPER.readTree(record.value() == null ? "" : record.value());
        } catch (Exception e) {
            throw new WireFormatException("the request is not JSON: " + firstLine(e.getMessage()));
        }
        if (value == null || value.isMissingNode()) {
            throw new WireFormatException("the record has no value; expected a migration request in JSON");
        }
        boolean cloudEvent = value.isObject() && value.has("specversion") && value.has("data");
        // The CloudEvent id, or the record's position, makes a redelivered request a no-op.
        String key = cloudEvent && value.hasNonNull("id")
                ? "ce:" + value.get("id").asText()
                : "kafka:" + record.topic() + "/" + record.partition() + "/" + record.offset();
        JsonNode body = cloudEvent ? value.get("data") : value;
        if (cloudEvent && "io.dbshift.RollbackRequest".equals(value.path("type").asText())) {
            return rollback(body);
        }
        if (cloudEvent
                && "io.dbshift.ApplicationSwitched".equals(value.path("type").asText())) {
            return switched(body, key);
        }
        RequestReader.Read read = RequestReader.read(body);
        String name = body.path("name").isTextual() ? body.path("name").asText() : null;
        if (!read.ok()) {
            List<FieldError> errors =
                    read.fields().isEmpty() ? List.of(new FieldError("$", read.error())) : read.fields();
            return service.reject(key, name, errors);
        }
        List<FieldError> errors = service.validate(read.request());
        if (!errors.isEmpty()) {
            return service.reject(key, name, errors);
        }
        return service.accept(read.request(), key).replaceWithVoid();
    }

    /**
     * An operator's rollback request, published as a CloudEvent of type {@code io.dbshift.RollbackRequest}. One that
     * cannot be carried out is logged with the reason and skipped: the REST call answers the same request with 409.
     */
    private Uni<Void> rollback(JsonNode body) {
        io.dbshift.contracts.request.RollbackRequest asked;
        try {
            asked = Json.MAPPER.treeToValue(body, io.dbshift.contracts.request.RollbackRequest.class);
        } catch (Exception e) {
            throw new WireFormatException("the rollback request does not fit: " + firstLine(e.getMessage()));
        }
        if (asked.migrationId() == null || blank(asked.requestedBy()) || blank(asked.reason())) {
            throw new WireFormatException("a rollback request needs migrationId, requestedBy and reason");
        }
        return service.requestRollback(asked.migrationId(), asked.requestedBy(), asked.reason(), asked.acceptDataLoss())
                .invoke(outcome -> {
                    if (outcome.unknown()) {
                        LOG.warnf(
                                "rollback request for migration %s, which does not exist; skipped",
                                asked.migrationId());
                    } else if (outcome.refusal() != null) {
                        LOG.warnf(
                                "rollback request for migration %s refused: %s",
                                asked.migrationId(), outcome.refusal());
                    }
                })
                .replaceWithVoid();
    }

    /**
     * An application's deploy pipeline says it switched to the new shape ({@code io.dbshift.ApplicationSwitched}). One
     * that comes too early, or for an unknown migration, is logged with the reason and skipped.
     */
    private Uni<Void> switched(JsonNode body, String key) {
        io.dbshift.contracts.request.ApplicationSwitched asked;
        try {
            asked = Json.MAPPER.treeToValue(body, io.dbshift.contracts.request.ApplicationSwitched.class);
        } catch (Exception e) {
            throw new WireFormatException("the switch does not fit: " + firstLine(e.getMessage()));
        }
        if (blank(asked.migrationId()) || blank(asked.application())) {
            throw new WireFormatException("ApplicationSwitched needs migrationId and application");
        }
        return service.switched(asked.migrationId(), asked.application(), asked.version(), key)
                .invoke(outcome -> {
                    if (outcome.migration() == null) {
                        LOG.warnf(
                                "%s switched for migration %s, which does not exist; skipped",
                                asked.application(), asked.migrationId());
                    } else if (outcome.refusal() != null) {
                        LOG.warnf(
                                "%s switched for migration %s: %s",
                                asked.application(), asked.migrationId(), outcome.refusal());
                    } else {
                        LOG.infof("%s switched for migration %s", asked.application(), asked.migrationId());
                    }
                })
                .replaceWithVoid();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
