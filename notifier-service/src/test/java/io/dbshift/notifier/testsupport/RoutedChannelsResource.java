package io.dbshift.notifier.testsupport;

import java.util.HashMap;
import java.util.Map;

/**
 * The channels of {@link ChannelsResource} plus named destinations and routes: failures and rollbacks to the
 * {@code alerts} Slack webhook, everything to the signed {@code hooks} webhook, plans and endings to the {@code team}
 * e-mail list. The orchestrator's report endpoint is faked on the same HTTP server; windows are looked at every second.
 */
public class RoutedChannelsResource extends ChannelsResource {
    public static final String ALERTS_PATH = "/alerts/T0DBSHIFT/B0ALERTS/al3rtS3cret";
    public static final String HOOKS_PATH = "/hooks/h00kS3cret";
    public static final String SIGNING_KEY = "whsec_routed_test_key";
    public static final String TEAM = "team@example.test";
    public static final String REPORT = "# Migration report\n\nEverything went to plan.\n";

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        http().endpoint("/migrations").answerWith(REPORT);
        config.put("dbshift.notifier.destinations.alerts.type", "slack");
        config.put("dbshift.notifier.destinations.alerts.url", alerts().url());
        config.put("dbshift.notifier.destinations.alerts.min-interval", "400ms");
        config.put("dbshift.notifier.destinations.hooks.type", "webhook");
        config.put("dbshift.notifier.destinations.hooks.url", hooks().url());
        config.put("dbshift.notifier.destinations.hooks.signing-key", SIGNING_KEY);
        config.put("dbshift.notifier.destinations.hooks.timeout", "300ms");
        config.put("dbshift.notifier.destinations.team.type", "email");
        config.put("dbshift.notifier.destinations.team.to", TEAM);
        config.put("dbshift.notifier.routes.failures.destinations", "alerts");
        config.put("dbshift.notifier.routes.failures.events", "MigrationFailed,MigrationRolledBack");
        config.put("dbshift.notifier.routes.failures.required", "false");
        config.put("dbshift.notifier.routes.audit.destinations", "hooks");
        config.put("dbshift.notifier.routes.team.destinations", "team");
        config.put("dbshift.notifier.routes.team.events", "MigrationPlanned,MigrationCompleted");
        config.put("dbshift.notifier.digest-interval", "1h");
        config.put("dbshift.notifier.retry.max-retry-after", "5s");
        config.put("dbshift.notifier.windows.check-every", "1s");
        config.put(
                "dbshift.notifier.orchestrator-url",
                http().endpoint("/migrations").url().replace("/migrations", ""));
        config.put("quarkus.http.test-port", "0");
        return config;
    }

    public static FakeHttpServer.Endpoint alerts() {
        return http().endpoint(ALERTS_PATH);
    }

    public static FakeHttpServer.Endpoint hooks() {
        return http().endpoint(HOOKS_PATH);
    }
}
