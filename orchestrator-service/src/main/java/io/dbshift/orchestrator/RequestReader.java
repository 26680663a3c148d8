package io.dbshift.orchestrator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.dbshift.contracts.Json;
import io.dbshift.contracts.request.FieldError;
import io.dbshift.contracts.request.MigrationRequest;
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
      return new Read(null, "the request does not match the expected shape",
          List.of(new FieldError(path(e), e.getOriginalMessage())), false);
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
