package io.dbshift.notifier.messaging;

import static io.dbshift.notifier.testsupport.ChannelsResource.RECIPIENTS;
import static io.dbshift.notifier.testsupport.ChannelsResource.mailsMentioning;
import static io.dbshift.notifier.testsupport.ChannelsResource.slack;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Payload;
import io.dbshift.contracts.WireFormatException;
import io.dbshift.contracts.event.MigrationCompleted;
import io.dbshift.contracts.event.MigrationPlanned;
import io.dbshift.contracts.event.StepStarted;
import io.dbshift.notifier.testsupport.CapturedLog;
import io.dbshift.notifier.testsupport.ChannelsResource;
import io.dbshift.notifier.testsupport.DeliveryRows;
import io.dbshift.notifier.testsupport.InMemoryEventsResource;
import io.dbshift.notifier.testsupport.Mails;
import io.dbshift.notifier.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.core.ConditionFactory;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The handler against real PostgreSQL, a real SMTP server and a local webhook; only the broker
 * is replaced by the in-memory connector.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(ChannelsResource.class)
@WithTestResource(InMemoryEventsResource.class)
class EventConsumerTest {
    private static final Map<String, String> BOTH_DELIVERED = Map.of("slack", "DELIVERED", "email", "DELIVERED");

    @Inject
    @Connector("smallrye-in-memory")
    InMemoryConnector connector;

    private InMemorySource<Object> events;

    @BeforeEach
    void connectSource() {
        events = connector.source("events");
        // Hibernate Reactive needs the handler to run on a Vert.x context, as the Kafka connector does.
        events.runOnVertxContext(true);
    }

    @Test
    void planIsDeliveredToSlackAndEmailOnce() {
        String migrationId = newMigrationId();
        CloudEvent planned = event(new MigrationPlanned(
                migrationId, "add-avatar", "HIGH", List.of("rewrites 2M rows"), "1. add column avatar_url"));

        events.send(planned.toJson());

        waitUntilDelivered(planned);
        List<JsonNode> posts = slack().requestsMentioning(migrationId);
        assertEquals(1, posts.size());
        JsonNode blocks = posts.get(0).get("blocks");
        assertEquals(
                "Plan ready: add-avatar (risk HIGH)",
                blocks.get(0).get("text").get("text").asText());
        assertTrue(blocks.get(1).get("fields").toString().contains("*Risk*\\nHIGH"));

        // GreenMail keeps one copy per recipient: one e-mail, two recipients.
        assertEquals(RECIPIENTS.size(), mailsMentioning(migrationId).size());
        assertEquals(
                "[dbshift] Plan ready: add-avatar (risk HIGH)",
                Mails.subject(mailsMentioning(migrationId).get(0)));
        assertTrue(Mails.content(mailsMentioning(migrationId).get(0)).contains("rewrites 2M rows"));
        assertEquals(1, DeliveryRows.of(planned.id()).get("slack").attempts());
    }

    @Test
    void redeliveredEventSendsNothingTwice() {
        String migrationId = newMigrationId();
        CloudEvent completed = event(new MigrationCompleted(migrationId, "add-avatar", 61_000));
        CloudEvent marker = event(new MigrationCompleted(newMigrationId(), "marker", 1));

        events.send(completed.toJson());
        events.send(completed.toJson());
        // Messages are handled in order: once the marker is delivered, the redelivery was handled too.
        events.send(marker.toJson());

        waitUntilDelivered(marker);
        assertEquals(1, slack().requestsMentioning(migrationId).size());
        assertEquals(RECIPIENTS.size(), mailsMentioning(migrationId).size());
        assertEquals(BOTH_DELIVERED, DeliveryRows.statuses(completed.id()));
        assertEquals(1, DeliveryRows.of(completed.id()).get("slack").attempts());
    }

    @Test
    void webhookAnsweringErrorThenOkEndsDelivered() {
        String migrationId = newMigrationId();
        CloudEvent completed = event(new MigrationCompleted(migrationId, "add-avatar", 5_000));
        slack().answerNext(500, 1);

        events.send(completed.toJson());

        waitUntilDelivered(completed);
        assertEquals(2, slack().requestsMentioning(migrationId).size());
        DeliveryRows.Row row = DeliveryRows.of(completed.id()).get("slack");
        assertEquals(2, row.attempts());
        assertNull(row.lastError());
    }

    @Test
    void webhookThatKeepsFailingIsRecordedAsFailedAndRetriedWhenTheEventComesAgain() {
        String migrationId = newMigrationId();
        CloudEvent completed = event(new MigrationCompleted(migrationId, "add-avatar", 5_000));
        slack().answerNext(503, 3); // the first attempt and both retries

        try (CapturedLog log = CapturedLog.start()) {
            events.send(completed.toJson());

            waitFor()
                    .until(() -> DeliveryRows.statuses(completed.id())
                            .equals(Map.of("slack", "FAILED", "email", "DELIVERED")));
            DeliveryRows.Row failed = DeliveryRows.of(completed.id()).get("slack");
            assertEquals(3, failed.attempts());
            assertTrue(failed.lastError().contains("answered HTTP 503"), failed.lastError());
            assertSecretNeverShown(failed.lastError());
            assertTrue(
                    log.lines().stream()
                            .anyMatch(line -> line.startsWith("ERROR") && line.contains("recording it as failed")),
                    "an exhausted retry is logged as an error");
            log.lines().forEach(EventConsumerTest::assertSecretNeverShown);
        }

        events.send(completed.toJson());

        waitUntilDelivered(completed);
        assertEquals(4, DeliveryRows.of(completed.id()).get("slack").attempts());
        assertEquals(
                RECIPIENTS.size(), mailsMentioning(migrationId).size(), "e-mail, already delivered, is not sent again");
    }

    @Test
    void webhookRefusingTheMessageItselfIsNotRetried() {
        CloudEvent completed = event(new MigrationCompleted(newMigrationId(), "add-avatar", 5_000));
        slack().answerNext(400, 1);

        events.send(completed.toJson());

        waitFor()
                .until(() ->
                        DeliveryRows.statuses(completed.id()).equals(Map.of("slack", "FAILED", "email", "DELIVERED")));
        DeliveryRows.Row refused = DeliveryRows.of(completed.id()).get("slack");
        assertEquals(1, refused.attempts(), "a 400 will not turn into a 200 by asking again");
        assertTrue(refused.lastError().contains("answered HTTP 400"), refused.lastError());
    }

    @Test
    void unreadableEventsAreDeadLetteredAndConsumingGoesOn() {
        List<Throwable> nacks = new CopyOnWriteArrayList<>();
        CloudEvent unknownType = new CloudEvent(
                "1.0",
                "evt-" + UUID.randomUUID(),
                "test",
                "io.dbshift.SomethingNew",
                "m-x",
                null,
                "application/json",
                null);
        CloudEvent next = event(new MigrationCompleted(newMigrationId(), "after-garbage", 1));

        events.send(Message.of("this is not JSON").withNack(reason -> recordNack(nacks, reason)));
        events.send(Message.of(unknownType.toJson()).withNack(reason -> recordNack(nacks, reason)));
        events.send(next.toJson());

        waitUntilDelivered(next);
        assertEquals(2, nacks.size(), "both unreadable records are nacked, which dead-letters them");
        nacks.forEach(reason -> assertInstanceOf(WireFormatException.class, reason));
        assertTrue(nacks.get(1).getMessage().contains("io.dbshift.SomethingNew"));
    }

    @Test
    void stepProgressIsNotNoticed() {
        String migrationId = newMigrationId();
        CloudEvent started = event(new StepStarted(migrationId, "step-1", "add column", "prod"));
        CloudEvent completed = event(new MigrationCompleted(migrationId, "add-avatar", 1));

        events.send(started.toJson());
        events.send(completed.toJson());

        waitUntilDelivered(completed);
        assertEquals(1, slack().requestsMentioning(migrationId).size(), "only the completion was posted");
        assertTrue(DeliveryRows.of(started.id()).isEmpty());
    }

    @Test
    void flywayRanTheSupportScriptFromTheServiceSupportJarAndTheDeliveryLogScript() throws Exception {
        List<String> versions = new ArrayList<>();
        try (Connection c = PostgresResource.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
        }
        assertEquals(List.of("1", "2", "3", "4"), versions);
    }

    private static String newMigrationId() {
        return "m-" + UUID.randomUUID();
    }

    private static CloudEvent event(Payload payload) {
        return CloudEvent.of("test/notifier", payload);
    }

    private static void waitUntilDelivered(CloudEvent event) {
        waitFor().until(() -> DeliveryRows.statuses(event.id()).equals(BOTH_DELIVERED));
    }

    private static ConditionFactory waitFor() {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50));
    }

    private static CompletableFuture<Void> recordNack(List<Throwable> nacks, Throwable reason) {
        nacks.add(reason);
        return CompletableFuture.completedFuture(null);
    }

    private static void assertSecretNeverShown(String text) {
        assertFalse(
                text.contains("s3cr3tT0k3n") || text.contains(ChannelsResource.SLACK_PATH),
                "the webhook secret leaked: " + text);
    }
}
