package io.dbshift.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * A CloudEvents 1.0 envelope in structured JSON mode: the whole event, attributes and data, is
 * the Kafka record value, so that a consumer needs nothing but a JSON parser.
 *
 * @param subject the migration id (also the Kafka key)
 */
public record CloudEvent(
        String specversion,
        String id,
        String source,
        String type,
        String subject,
        Instant time,
        String datacontenttype,
        JsonNode data) {

    public static final String SPEC_VERSION = "1.0";

    /** Wraps a payload with a fresh id. */
    public static CloudEvent of(String source, Payload payload) {
        return of(UUID.randomUUID().toString(), source, payload);
    }

    /** Wraps a payload with a given id: deterministic ids let consumers drop redeliveries. */
    public static CloudEvent of(String id, String source, Payload payload) {
        return new CloudEvent(
                SPEC_VERSION,
                id,
                source,
                MessageTypes.typeOf(payload.getClass()),
                payload.migrationId(),
                Instant.now(),
                "application/json",
                Json.tree(payload));
    }

    /** The payload, typed by this event's {@code type}. */
    public Payload payload() {
        return Json.convert(data, MessageTypes.classOf(type));
    }

    public <T extends Payload> T payload(Class<T> expected) {
        return Json.convert(data, expected);
    }

    public String toJson() {
        return Json.write(this);
    }

    /**
     * Parses a record value.
     *
     * @throws WireFormatException naming what is wrong, when the value is not a dbshift CloudEvent
     */
    public static CloudEvent parse(String value) {
        if (value == null || value.isBlank()) {
            throw new WireFormatException("the record has no value; expected a CloudEvents 1.0 JSON object");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(value);
        } catch (Exception e) {
            throw new WireFormatException("the record value is not JSON: " + firstLine(e.getMessage()));
        }
        if (!node.isObject()) {
            throw new WireFormatException("the record value is JSON but not an object");
        }
        for (String required : new String[] {"specversion", "id", "source", "type"}) {
            if (!node.hasNonNull(required)) {
                throw new WireFormatException("the CloudEvent has no \"" + required + "\" attribute");
            }
        }
        if (!SPEC_VERSION.equals(node.get("specversion").asText())) {
            throw new WireFormatException("unsupported CloudEvents specversion \""
                    + node.get("specversion").asText() + "\"; expected 1.0");
        }
        CloudEvent event = Json.convert(node, CloudEvent.class);
        if (!MessageTypes.isKnown(event.type())) {
            throw new WireFormatException("unknown event type \"" + event.type() + "\"");
        }
        return event;
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
