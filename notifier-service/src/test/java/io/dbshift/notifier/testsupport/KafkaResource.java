package io.dbshift.notifier.testsupport;

import io.dbshift.contracts.Topics;
import io.dbshift.localstack.LocalKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/** A real Kafka broker from the local stack (or {@code DBSHIFT_KAFKA_BOOTSTRAP}'s), with every dbshift topic. */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {
    private static LocalKafka kafka;

    @Override
    public Map<String, String> start() {
        // Surefire runs in the module folder; the broker jars are under the repository root.
        Path home = Path.of("").toAbsolutePath().getParent();
        kafka = LocalKafka.startOrConnect(home, Topics.all());
        return Map.of("kafka.bootstrap.servers", kafka.bootstrapServers());
    }

    @Override
    public void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    public static String bootstrapServers() {
        return kafka.bootstrapServers();
    }
}
