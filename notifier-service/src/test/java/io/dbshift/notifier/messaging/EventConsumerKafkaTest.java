package io.dbshift.notifier.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Topics;
import io.dbshift.contracts.event.MigrationRequested;
import io.dbshift.notifier.testsupport.CapturedLog;
import io.dbshift.notifier.testsupport.DeliveryRows;
import io.dbshift.notifier.testsupport.KafkaResource;
import io.dbshift.notifier.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The wiring, against a real broker: the consumer group reads {@code dbshift.events}, a poison
 * record goes to {@code dbshift.events.dlq} with its reason, and with no channel configured the
 * notice is logged.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(KafkaResource.class)
class EventConsumerKafkaTest {

    @Test
    void poisonRecordGoesToTheDeadLetterTopicAndTheNextEventIsStillNoticed() throws Exception {
        String migrationId = "m-" + UUID.randomUUID();
        CloudEvent requested = CloudEvent.of(
                "test/notifier", new MigrationRequested(migrationId, "add-avatar", "prod", "staging", "alice"));

        try (CapturedLog log = CapturedLog.start();
                KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.EVENTS, migrationId, "{not a cloud event"))
                    .get();
            producer.send(new ProducerRecord<>(Topics.EVENTS, migrationId, requested.toJson()))
                    .get();

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> Map.of("log", "DELIVERED").equals(DeliveryRows.statuses(requested.id())));
            assertTrue(
                    log.lines().stream()
                            .anyMatch(line -> line.startsWith("INFO would send: Migration requested: add-avatar")),
                    "with no channel configured the notice is logged");
        }

        ConsumerRecord<String, String> deadLettered = firstDeadLetter(migrationId);
        assertEquals("{not a cloud event", deadLettered.value());
        Header reason = deadLettered.headers().lastHeader("dead-letter-reason");
        assertTrue(new String(reason.value(), StandardCharsets.UTF_8).contains("not JSON"));
    }

    private static ConsumerRecord<String, String> firstDeadLetter(String key) {
        List<ConsumerRecord<String, String>> seen = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KafkaResource.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "notifier-test-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.deadLetter(Topics.EVENTS)));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.stream().anyMatch(r -> key.equals(r.key()));
            });
        }
        return seen.stream().filter(r -> key.equals(r.key())).findFirst().orElseThrow();
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer());
    }
}
