package io.dbshift.contracts.request;

import java.util.List;

/**
 * Who is told about this migration, besides the notifier's configured defaults.
 *
 * @param slack Slack channels, e.g. {@code #db-changes}
 * @param email e-mail addresses
 */
public record Notify(List<String> slack, List<String> email) {}
