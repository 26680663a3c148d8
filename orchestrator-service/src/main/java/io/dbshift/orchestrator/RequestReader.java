package io.dbshift.orchestrator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.dbshift.contracts.Json;
import io.dbshift.contracts.request.FieldError;
import io.dbshift.contracts.request.MigrationRequest;
import java.util.Collection;
import java.util.List;

/** Reads a migration request from JSON, naming the field when its shape is wrong. */
public final class RequestReader {
    private RequestReader() {}

    /**
     * The outcome: a request, or why there is none.
     *
     * @param notJson true when the text is not JSON at all (a poison message, not a bad request)
     */
    public record Read(MigrationRequest request, String error, List<FieldError> fields, boolean notJson) {
        public boolean ok() {
            return request != null;
        }
    }

    public static Read read(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            return new Read(null, "the request must be a JSON object (a migration request)", List.of(), false);
        }
        try {
            return new Read(Json.MAPPER.treeToValue(tree, MigrationRequest.class), null, List.of(), false);
        } catch (JsonMappingException e) {
            return new Read(
                    null,
                    "the request does not match the expected shape",
                    List.of(new FieldError(path(e), expectation(e))),
                    false);
        } catch (JsonProcessingException e) {
            return new Read(null, "the request is not valid JSON: " + e.getOriginalMessage(), List.of(), true);
        }
    }

    public static Read read(String text) {
        try {
            return read(Json.MAPPER.readTree(text == null ? "" : text));
        } catch (JsonProcessingException e) {
            return new Read(null, "the request is not valid JSON: " + e.getOriginalMessage(), List.of(), true);
        }
    }

    /** What the field should have been, in the request's terms rather than Java's. */
    static String expectation(JsonMappingException e) {
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            Class<?> type = mismatch.getTargetType();
            String expected;
            if (Collection.class.isAssignableFrom(type) || type.isArray()) {
                expected = "a list (JSON array)";
            } else if (type == String.class) {
                expected = "a string";
            } else if (type == Boolean.class || type == boolean.class) {
                expected = "true or false";
            } else if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
                expected = "a number";
            } else if (type == java.time.OffsetDateTime.class) {
                expected = "a date-time such as 2026-12-01T22:00:00Z";
            } else {
                expected = "an object";
            }
            return "must be " + expected;
        }
        return e.getOriginalMessage();
    }

    /** The JSON path of a mapping error, e.g. {@code migrations[0].version}. */
    static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "$" : path.toString();
    }
}
