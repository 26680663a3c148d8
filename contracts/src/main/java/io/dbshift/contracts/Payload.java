package io.dbshift.contracts;

/**
 * A command, result or event carried as the {@code data} of a CloudEvent. Each payload belongs
 * to one migration; its id is the Kafka key and the CloudEvent subject.
 */
public interface Payload {
    /** The migration this payload belongs to. */
    String migrationId();
}
