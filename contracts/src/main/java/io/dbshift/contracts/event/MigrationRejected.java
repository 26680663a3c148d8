package io.dbshift.contracts.event;

import io.dbshift.contracts.request.FieldError;
import java.util.List;

/** A request was refused before anything ran; each error names its field. The id is the one the request would have had. */
public record MigrationRejected(String migrationId, String name, List<FieldError> errors) implements MigrationEvent {}
