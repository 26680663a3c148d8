package io.dbshift.contracts.request;

/**
 * One problem with a request.
 *
 * @param field the JSON path of the field, e.g. {@code migrations[0].up}
 * @param message what is wrong and what to do
 */
public record FieldError(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
