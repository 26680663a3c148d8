package io.dbshift.notifier.messaging;

import static io.dbshift.notifier.testsupport.ChannelsResource.mailsTo;
import static io.dbshift.notifier.testsupport.RoutedChannelsResource.ALERTS_PATH;
import static io.dbshift.notifier.testsupport.RoutedChannelsResource.HOOKS_PATH;
import static io.dbshift.notifier.testsupport.RoutedChannelsResource.REPORT;
import static io.dbshift.notifier.testsupport.RoutedChannelsResource.SIGNING_KEY;
import static io.dbshift.notifier.testsupport.RoutedChannelsResource.TEAM;
import static io.dbshift.notifier.testsupport.RoutedChannelsResource.alerts;
import static io.dbshift.notifier.testsupport.RoutedChannelsResource.hooks;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Payload;
import io.dbshift.contracts.Topics;
import io.dbshift.contracts.event.BackfillProgressed;
import io.dbshift.contracts.event.MigrationCompleted;
import io.dbshift.contracts.event.MigrationFailed;
import io.dbshift.contracts.event.MigrationPlanned;
import io.dbshift.contracts.event.MigrationRequested;
import io.dbshift.contracts.event.MigrationWindowNotice;
import io.dbshift.contracts.event.NotificationFailed;
import io.dbshift.contracts.request.Notify;
import io.dbshift.contracts.request.Window;
import io.dbshift.contracts.result.TeamNotified;
import io.dbshift.notifier.channel.WebhookSignature;
import io.dbshift.notifier.testsupport.DeliveryRows;
import io.dbshift.notifier.testsupport.FakeHttpServer.Received;
import io.dbshift.notifier.testsupport.InMemoryEventsResource;
import io.dbshift.notifier.testsupport.Mails;
import io.dbshift.notifier.testsupport.PostgresResource;
import io.dbshift.notifier.testsupport.RoutedChannelsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySource;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.core.ConditionFactory;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Named destinations and routes against real PostgreSQL, a real SMTP server and local HTTP endpoints: who gets what,
 * the signed webhook, Retry-After, a hanging endpoint, dead-lettering, the team-notified evidence, digests, the rate
 * limit, windows and the REST view. The broker is the in-memory connector; {@code NotifierRestartIT} runs the real one.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(RoutedChannelsResource.class)
@WithTestResource(InMemoryEventsResource.class)
class RoutedDeliveryTest {

    @Inject
    @Connector("smallrye-in-memory")
    InMemoryConnector connector;

    @TestHTTPResource("/notifications")
    URL notifications;

    private InMemorySource<Object> events;

    @BeforeEach
    void connectSource() {
        events = connector.source("events");
        events.runOnVertxContext(true);
    }

    @Test
    void failuresGoToAlertsAndEverythingToTheSignedWebhook() {
        String migrationId = newMigrationId();
        CloudEvent failed = event(new MigrationFailed(migrationId, "add-avatar", "production.apply", "lock timeout"));
        CloudEvent completed = event(new MigrationCompleted(migrationId, "add-avatar", 1_000));

        events.send(failed.toJson());
        events.send(completed.toJson());

        waitFor().until(() -> "DELIVERED".equals(status(completed, "hooks")));
        waitFor().until(() -> "DELIVERED".equals(status(failed, "alerts")));
        assertEquals(1, alerts().received(migrationId).size(), "only the failure goes to alerts");
        assertNull(status(completed, "alerts"));

        List<Received> calls = hooks().received(migrationId);
        assertEquals(2, calls.size());
        Received call = calls.get(0);
        assertEquals(failed.toJson(), call.body(), "the body is the CloudEvent itself");
        assertTrue(call.header("Content-Type").startsWith("application/cloudevents+json"));
        assertTrue(
                WebhookSignature.verify(
                        SIGNING_KEY,
                        call.header(WebhookSignature.TIMESTAMP_HEADER),
                        call.body(),
                        call.header(WebhookSignature.SIGNATURE_HEADER)),
                "the receiver can verify the signature with the shared key");
        assertFalse(WebhookSignature.verify(
                "not the key",
                call.header(WebhookSignature.TIMESTAMP_HEADER),
                call.body(),
                call.header(WebhookSignature.SIGNATURE_HEADER)));
        assertEquals(
                DeliveryRows.of(failed.id()).get("hooks").deliveryId(),
                call.header(WebhookSignature.DELIVERY_HEADER),
                "the delivery id the receiver de-duplicates on is the one in the delivery log");
    }

    @Test
    void thePlanReachesTheTeamWithThePlanAttachedAndTheCheckpointEvidenceGoesToTheOrchestrator() {
        String migrationId = newMigrationId();
        CloudEvent planned = event(new MigrationPlanned(
                migrationId, "add-avatar", "HIGH", List.of("rewrites users"), "# Plan\n\n1. add column avatar_url\n"));

        events.send(planned.toJson());

        CloudEvent notice = waitForOutbox(Topics.RESULTS, migrationId, TeamNotified.class);
        TeamNotified notified = (TeamNotified) notice.payload();
        assertEquals(planned.id(), notified.planEventId());
        Map<String, DeliveryRows.Row> rows = DeliveryRows.of(planned.id());
        assertEquals(
                Map.of(
                        "slack",
                        rows.get("slack").deliveryId(),
                        "email",
                        rows.get("email").deliveryId(),
                        "hooks",
                        rows.get("hooks").deliveryId(),
                        "team",
                        rows.get("team").deliveryId()),
                notified.deliveries().stream()
                        .collect(java.util.stream.Collectors.toMap(
                                TeamNotified.Delivery::destination, TeamNotified.Delivery::deliveryId)),
                "every required destination, with the delivery id it received; alerts was not selected");

        List<MimeMessage> mails = mailsTo(TEAM, migrationId);
        assertEquals(1, mails.size());
        assertEquals(List.of(TEAM), Mails.to(mails.get(0)));
        assertEquals("[dbshift] Plan ready: add-avatar (risk HIGH)", Mails.subject(mails.get(0)));
        assertEquals(List.of("text/plain", "text/html"), Mails.bodyTypes(mails.get(0)));
        Map<String, String> attachments = Mails.attachments(mails.get(0));
        assertEquals("# Plan\n\n1. add column avatar_url\n", attachments.get("plan-" + migrationId + ".md"));
        assertEquals("<" + rows.get("team").deliveryId() + "@dbshift>", Mails.messageId(mails.get(0)));

        events.send(planned.toJson());
        CloudEvent marker = event(new MigrationCompleted(newMigrationId(), "marker", 1));
        events.send(marker.toJson());
        waitFor().until(() -> "DELIVERED".equals(status(marker, "hooks")));
        assertEquals(1, outbox(Topics.RESULTS, migrationId).size(), "a redelivered plan announces nothing twice");
    }

    @Test
    void theMailThatSaysTheMigrationEndedCarriesTheReport() {
        String migrationId = newMigrationId();
        CloudEvent completed = event(new MigrationCompleted(migrationId, "add-avatar", 61_000));

        events.send(completed.toJson());

        waitFor().until(() -> "DELIVERED".equals(status(completed, "team")));
        Map<String, String> attachments =
                Mails.attachments(mailsTo(TEAM, migrationId).get(0));
        assertEquals(REPORT, attachments.get("report-" + migrationId + ".md"));
    }

    @Test
    void aRateLimitedWebhookIsLeftAloneForItsRetryAfter() {
        String migrationId = newMigrationId();
        CloudEvent completed = event(new MigrationCompleted(migrationId, "add-avatar", 1_000));
        hooks().answerNext(429, 1, Map.of("Retry-After", "1"));

        events.send(completed.toJson());

        waitFor().until(() -> "DELIVERED".equals(status(completed, "hooks")));
        List<Received> calls = hooks().received(migrationId);
        assertEquals(2, calls.size());
        Duration gap = Duration.between(calls.get(0).at(), calls.get(1).at());
        assertTrue(
                gap.compareTo(Duration.ofMillis(950)) >= 0, "asked for 1 s, retried after " + gap.toMillis() + " ms");
        assertEquals(2, DeliveryRows.of(completed.id()).get("hooks").attempts());
        assertEquals(
                calls.get(0).header(WebhookSignature.DELIVERY_HEADER),
                calls.get(1).header(WebhookSignature.DELIVERY_HEADER),
                "a retry carries the same delivery id");
    }

    @Test
    void aDestinationWaitingToRetryHoldsBackOnlyItsOwnNoticesAndKeepsTheirOrder() {
        String migrationId = newMigrationId();
        CloudEvent first = event(new MigrationCompleted(migrationId, "first", 1_000));
        CloudEvent second = event(new MigrationCompleted(migrationId, "second", 2_000));
        hooks().answerNext(503, 1, Map.of("Retry-After", "2"));

        events.send(first.toJson());
        events.send(second.toJson());

        waitFor()
                .until(() -> "DELIVERED".equals(status(second, "slack")) && "DELIVERED".equals(status(second, "team")));
        assertEquals("PENDING", status(first, "hooks"), "hooks waits out its Retry-After");
        assertEquals(1, hooks().received(migrationId).size(), "and sends nothing after the notice it waits to retry");

        waitFor().until(() -> "DELIVERED".equals(status(second, "hooks")));
        List<String> order = hooks().received(migrationId).stream()
                .map(call -> CloudEvent.parse(call.body()).id())
                .toList();
        assertEquals(List.of(first.id(), first.id(), second.id()), order, "a destination's notices keep their order");
    }

    @Test
    void aHangingEndpointTimesOutAndTheNoticeIsDeadLetteredWithTheReason() {
        String migrationId = newMigrationId();
        CloudEvent completed = event(new MigrationCompleted(migrationId, "add-avatar", 1_000));
        hooks().hangNext(3, Duration.ofSeconds(2));

        events.send(completed.toJson());

        CloudEvent dead = waitForOutbox(Topics.NOTIFICATIONS_DEAD_LETTER, migrationId, NotificationFailed.class);
        NotificationFailed failed = (NotificationFailed) dead.payload();
        assertEquals("hooks", failed.destination());
        assertEquals(3, failed.attempts());
        assertEquals(completed.id(), failed.eventId());
        assertEquals(completed.toJson(), failed.originalEvent(), "the dead letter can be replayed");
        assertTrue(failed.reason().contains("timeout"), failed.reason());
        assertFalse(dead.toJson().contains("h00kS3cret") || dead.toJson().contains(SIGNING_KEY), dead.toJson());
        assertEquals(1, outbox(Topics.EVENTS, migrationId).size(), "NotificationFailed is on the events topic too");
        assertEquals("FAILED", status(completed, "hooks"));
        assertEquals("DELIVERED", status(completed, "team"), "the other destinations are not held back");
    }

    @Test
    void aRequestsOwnRecipientsGetEverythingAndAnUnknownSlackNameIsReported() {
        String migrationId = newMigrationId();
        CloudEvent requested = event(new MigrationRequested(
                migrationId,
                "add-avatar",
                "prod",
                "staging",
                "alice",
                new Notify(List.of("#nowhere"), List.of("owner@example.test"))));
        CloudEvent planned = event(new MigrationPlanned(migrationId, "add-avatar", "LOW", List.of(), "plan"));
        CloudEvent failed = event(new MigrationFailed(migrationId, "add-avatar", "production.apply", "boom"));

        events.send(requested.toJson());
        events.send(planned.toJson());
        events.send(failed.toJson());

        // Each destination sends in order: once the failure is delivered, whatever the plan's delivery set off is done.
        waitFor()
                .until(() -> "DELIVERED".equals(status(failed, "email:owner@example.test"))
                        && "DELIVERED".equals(status(failed, "hooks")));
        assertEquals("FAILED", status(planned, "nowhere"));
        assertTrue(
                outbox(Topics.RESULTS, migrationId).isEmpty(),
                "a named recipient nobody could reach keeps Team notified open");
        assertEquals(
                1,
                mailsTo("owner@example.test", "Migration requested").stream()
                        .filter(mail -> Mails.content(mail).contains(migrationId))
                        .count());
        DeliveryRows.Row nowhere = DeliveryRows.of(requested.id()).get("nowhere");
        assertEquals("FAILED", nowhere.status());
        assertTrue(nowhere.lastError().contains("no destination named \"nowhere\""), nowhere.lastError());
        assertTrue(outbox(Topics.NOTIFICATIONS_DEAD_LETTER, migrationId).stream()
                .anyMatch(e -> ((NotificationFailed) e.payload()).destination().equals("nowhere")));
    }

    @Test
    void backfillProgressIsDigestedToOneNoticePerInterval() {
        String migrationId = newMigrationId();
        CloudEvent first =
                event(new BackfillProgressed(migrationId, "production.backfill.0", "prod", "users", 10, 100, 5, 18L));
        CloudEvent second =
                event(new BackfillProgressed(migrationId, "production.backfill.0", "prod", "users", 50, 100, 5, 10L));
        CloudEvent marker = event(new MigrationCompleted(migrationId, "add-avatar", 1));

        events.send(first.toJson());
        events.send(second.toJson());
        events.send(marker.toJson());

        waitFor().until(() -> "DELIVERED".equals(status(marker, "hooks")));
        assertEquals("DELIVERED", status(first, "hooks"));
        assertTrue(DeliveryRows.of(second.id()).isEmpty(), "the second progress fell in the digest interval");
    }

    @Test
    void sendsToOneDestinationAreSpacedByItsMinimumInterval() {
        String migrationId = newMigrationId();
        List<CloudEvent> failures = List.of(
                event(new MigrationFailed(migrationId, "a", "s", "one")),
                event(new MigrationFailed(migrationId, "a", "s", "two")),
                event(new MigrationFailed(migrationId, "a", "s", "three")));

        failures.forEach(e -> events.send(e.toJson()));

        waitFor().until(() -> alerts().received(migrationId).size() == 3);
        List<Received> calls = alerts().received(migrationId);
        for (int i = 1; i < calls.size(); i++) {
            Duration gap = Duration.between(calls.get(i - 1).at(), calls.get(i).at());
            assertTrue(
                    gap.compareTo(Duration.ofMillis(380)) >= 0,
                    "alerts takes one post per 400 ms; got " + gap.toMillis());
        }
    }

    @Test
    void aDueWindowReminderIsPublishedOnceAndReachesTheDestinations() {
        String migrationId = newMigrationId();
        OffsetDateTime start = OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(30);
        CloudEvent planned = event(new MigrationPlanned(
                migrationId, "add-avatar", "LOW", List.of(), "plan", new Window(start, start.plusHours(1), "UTC")));

        events.send(planned.toJson());

        CloudEvent reminder = waitForOutbox(Topics.EVENTS, migrationId, MigrationWindowNotice.class);
        assertEquals("window-reminder_1h:" + migrationId, reminder.id());
        assertEquals(MigrationWindowNotice.REMINDER_1H, ((MigrationWindowNotice) reminder.payload()).kind());
        // A later look at the windows, proven by a second migration's reminder, does not publish the first again.
        String laterId = newMigrationId();
        events.send(event(new MigrationPlanned(
                        laterId, "later", "LOW", List.of(), "plan", new Window(start, start.plusHours(1), "UTC")))
                .toJson());
        waitForOutbox(Topics.EVENTS, laterId, MigrationWindowNotice.class);
        assertEquals(
                1,
                outbox(Topics.EVENTS, migrationId).stream()
                        .filter(e -> e.payload() instanceof MigrationWindowNotice)
                        .count());

        events.send(reminder.toJson());
        waitFor().until(() -> "DELIVERED".equals(status(reminder, "hooks")));
        assertTrue(alerts().received(migrationId).isEmpty());
        assertTrue(io.dbshift.notifier.testsupport.ChannelsResource.slack().received("opens in 1 hour").stream()
                .anyMatch(call -> call.body().contains(migrationId)));
    }

    @Test
    void destinationsAreShownWithTheirSecretsMaskedAndRoutesSetOverRestAreChecked() throws Exception {
        String shown = get("/destinations").body();
        assertTrue(shown.contains("\"hooks\"") && shown.contains("(signed)"), shown);
        for (String secret : List.of("h00kS3cret", SIGNING_KEY, "al3rtS3cret", ALERTS_PATH, HOOKS_PATH)) {
            assertFalse(shown.contains(secret), "secret shown: " + secret + " in " + shown);
        }

        String migrationId = newMigrationId();
        HttpResponse<String> refused =
                put(migrationId, "{\"routes\":[{\"destination\":\"pager\",\"events\":[\"MigrationFaild\"]}]}");
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("\\\"pager\\\" is not a destination"), refused.body());
        assertTrue(refused.body().contains("\\\"MigrationFaild\\\" is not a migration event"), refused.body());

        HttpResponse<String> set = put(
                migrationId,
                "{\"routes\":[{\"destination\":\"ops@example.test\",\"events\":[\"MigrationCompleted\"]}]}");
        assertEquals(200, set.statusCode(), set.body());
        CloudEvent completed = event(new MigrationCompleted(migrationId, "add-avatar", 1));
        events.send(completed.toJson());

        waitFor().until(() -> "DELIVERED".equals(status(completed, "email:ops@example.test")));
        String deliveries = get("/migrations/" + migrationId + "/deliveries").body();
        assertTrue(deliveries.contains("email:ops@example.test") && deliveries.contains("DELIVERED"), deliveries);
    }

    // --- helpers -------------------------------------------------------------------------------

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(notifications + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String migrationId, String json) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(notifications + "/migrations/" + migrationId + "/routes"))
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static String status(CloudEvent event, String destination) {
        DeliveryRows.Row row = DeliveryRows.of(event.id()).get(destination);
        return row == null ? null : row.status();
    }

    /** The CloudEvents the notifier published to a topic for a migration. */
    private List<CloudEvent> outbox(String topic, String migrationId) {
        return connector.<String>sink("outbox").received().stream()
                .filter(message -> topic.equals(topicOf(message)))
                .map(message -> CloudEvent.parse(message.getPayload()))
                .filter(event -> migrationId.equals(event.payload().migrationId()))
                .toList();
    }

    private CloudEvent waitForOutbox(String topic, String migrationId, Class<? extends Payload> type) {
        return waitFor()
                .until(
                        () -> outbox(topic, migrationId).stream()
                                .filter(e -> type.isInstance(e.payload()))
                                .findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static String topicOf(Message<String> message) {
        return message.getMetadata(OutgoingKafkaRecordMetadata.class)
                .map(metadata -> ((OutgoingKafkaRecordMetadata<String>) metadata).getTopic())
                .orElse(null);
    }

    private static String newMigrationId() {
        return "m-" + UUID.randomUUID();
    }

    private static CloudEvent event(Payload payload) {
        return CloudEvent.of("test/notifier", payload);
    }

    private static ConditionFactory waitFor() {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50));
    }
}
