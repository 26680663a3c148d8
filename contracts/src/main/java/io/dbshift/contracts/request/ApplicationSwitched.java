package io.dbshift.contracts.request;

/**
 * An application's deploy pipeline says its new version, the one using the new shape, runs everywhere: the migration
 * waiting before {@code production.contract} goes on. Published on the requests topic as a CloudEvent of type
 * {@code io.dbshift.ApplicationSwitched}; an operator's {@code dbshift next} does the same.
 *
 * @param migrationId the migration waiting for the switch
 * @param application which application switched, e.g. {@code billing}
 * @param version its new version, for the record (optional)
 */
public record ApplicationSwitched(String migrationId, String application, String version) {}
