package io.dbshift.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Topics;
import io.dbshift.contracts.event.MigrationCompleted;
import io.dbshift.localstack.ServiceProcess;
import io.dbshift.localstack.Stack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The notifier killed (SIGKILL) in the middle of a stream of events and started again, against the real broker, its
 * real database and a webhook receiver: no notice is lost, and none is sent twice, except the one that was in flight at
 * the kill, which goes again with the same delivery id (so the receiver can drop it) and is marked in doubt.
 */
class NotifierRestartIT {
    private static final int EVENTS = 60;

    @Test
    void aNotifierKilledMidStreamLosesNothingAndSendsNothingTwiceThatTheReceiverCannotDrop() throws Exception {
        Stack stack = SystemUnderTest.stack();
        WebhookReceiver receiver = SystemUnderTest.receiver();
        ServiceProcess notifier = stack.service("notifier-service");
        String marker = "restart-" + UUID.randomUUID();
        List<CloudEvent> sent = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            sent.add(CloudEvent.of("test/restart", new MigrationCompleted(marker + "-" + i, marker, i)));
        }

        // A slow receiver, so that the stream is still going when the notifier is killed.
        receiver.slowDown(Duration.ofMillis(50));
        try (KafkaClient kafka = new KafkaClient(stack.kafka().bootstrapServers())) {
            sent.forEach(event -> kafka.send(Topics.EVENTS, event.subject(), event.toJson()));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> receiver.calls(marker).size() >= EVENTS / 4);
            notifier.kill();
            int atKill = receiver.calls(marker).size();
            assertTrue(atKill < EVENTS, "killed mid-stream, after " + atKill + " of " + EVENTS);
            notifier.launch();
            notifier.awaitReady(Duration.ofSeconds(90));

            await().atMost(Duration.ofSeconds(90))
                    .until(() -> eventIds(receiver.calls(marker)).size() == EVENTS);
        } finally {
            receiver.slowDown(Duration.ZERO);
        }

        List<WebhookReceiver.Call> calls = receiver.calls(marker);
        assertEquals(
                sent.stream().map(CloudEvent::id).collect(Collectors.toSet()),
                eventIds(calls),
                "every event reached the receiver");
        Map<String, List<WebhookReceiver.Call>> byEvent = calls.stream()
                .collect(Collectors.groupingBy(
                        call -> CloudEvent.parse(call.body()).id()));
        Map<String, Boolean> inDoubt = inDoubtByEvent(stack, marker);
        List<String> twice = new ArrayList<>();
        byEvent.forEach((eventId, received) -> {
            if (received.size() > 1) {
                twice.add(eventId);
                assertEquals(
                        1,
                        received.stream()
                                .map(WebhookReceiver.Call::deliveryId)
                                .distinct()
                                .count(),
                        "a notice sent again carries the delivery id of the first send");
                assertTrue(inDoubt.get(eventId), "a notice sent again is marked in doubt in the delivery log");
            }
        });
        assertTrue(twice.size() <= 1, "only the send in flight at the kill may be repeated: " + twice);
        assertEquals(EVENTS, inDoubt.size(), "every event has its row, DELIVERED");
    }

    private static java.util.Set<String> eventIds(List<WebhookReceiver.Call> calls) {
        return calls.stream().map(call -> CloudEvent.parse(call.body()).id()).collect(Collectors.toSet());
    }

    /** The receiver's row of every delivered event of the stream, with whether it was in doubt. */
    private static Map<String, Boolean> inDoubtByEvent(Stack stack, String marker) throws Exception {
        Map<String, Boolean> rows = new HashMap<>();
        try (Connection c = stack.postgres().connect(Stack.controlDatabase("notifier-service"));
                PreparedStatement query = c.prepareStatement("SELECT event_id, in_doubt FROM delivery_log"
                        + " WHERE channel = 'receiver' AND status = 'DELIVERED' AND migration_id LIKE ?")) {
            query.setString(1, marker + "-%");
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getBoolean(2));
                }
            }
        }
        return rows;
    }
}
