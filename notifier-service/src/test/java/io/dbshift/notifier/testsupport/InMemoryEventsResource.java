package io.dbshift.notifier.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import java.util.HashMap;
import java.util.Map;

/**
 * Swaps the Kafka channels for in-memory ones: these tests are about the handler's logic, and no
 * broker runs. The outgoing outbox channel is swapped too, so that its relay finds no Kafka.
 */
public class InMemoryEventsResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(InMemoryConnector.switchIncomingChannelsToInMemory("events"));
        config.putAll(InMemoryConnector.switchOutgoingChannelsToInMemory("outbox"));
        return config;
    }

    @Override
    public void stop() {
        InMemoryConnector.clear();
    }
}
