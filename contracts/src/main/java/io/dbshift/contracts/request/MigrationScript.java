package io.dbshift.contracts.request;

/**
 * One versioned migration script.
 *
 * @param version Flyway version, e.g. {@code 2} or {@code 2.1}
 * @param description what it does; becomes the script's name
 * @param up the forward SQL
 * @param down the SQL that undoes {@code up} (optional)
 */
public record MigrationScript(String version, String description, String up, String down) {}
