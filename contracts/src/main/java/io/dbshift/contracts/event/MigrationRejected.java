package io.dbshift.contracts.event;

import io.dbshift.contracts.request.FieldError;
import java.util.List;

/** A request was refused before anything ran; each error names its field. The id is derived from the request's idempotency key, so a redelivered request is rejected under the same id. */
public record MigrationRejected(String migrationId, String name, List<FieldError> errors) implements MigrationEvent {}
