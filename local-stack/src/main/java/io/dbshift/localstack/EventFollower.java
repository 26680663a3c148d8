package io.dbshift.localstack;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the migration-event topic as any outside service would: a plain Kafka consumer in its
 * own group, from the beginning, parsing each record as a CloudEvent.
 */
public final class EventFollower implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;

    public EventFollower(String bootstrapServers) {
        this(bootstrapServers, Topics.EVENTS);
    }

    public EventFollower(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dbshift-follower-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(topic));
    }

    /** The events that arrived within {@code timeout}, in order per key; records that are not CloudEvents are skipped. */
    public List<Received> poll(Duration timeout) {
        List<Received> received = new ArrayList<>();
        for (ConsumerRecord<String, String> record : consumer.poll(timeout)) {
            try {
                received.add(new Received(
                        record.key(), CloudEvent.parse(record.value()), record.partition(), record.offset()));
            } catch (RuntimeException e) {
                received.add(new Received(record.key(), null, record.partition(), record.offset()));
            }
        }
        return received;
    }

    /** Polls until {@code done} matches an event or the timeout passes; returns everything seen that matched {@code keep}. */
    public List<CloudEvent> collectUntil(Predicate<CloudEvent> keep, Predicate<CloudEvent> done, Duration timeout) {
        List<CloudEvent> kept = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Received r : poll(Duration.ofMillis(250))) {
                if (r.event() != null && keep.test(r.event())) {
                    kept.add(r.event());
                    if (done.test(r.event())) {
                        return kept;
                    }
                }
            }
        }
        return kept;
    }

    @Override
    public void close() {
        consumer.close();
    }

    /** One record: the event, or null when the value was not a CloudEvent. */
    public record Received(String key, CloudEvent event, int partition, long offset) {}
}
