package io.dbshift.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Where the system is: a flag, else the environment, else the file the local stack writes while it
 * runs ({@code target/local-stack.env}), else the default ports.
 */
final class Settings {
    static final String LOCAL_STACK_FILE = "target/local-stack.env";

    private Settings() {}

    static String orchestratorUrl(String flag) {
        return pick(flag, "DBSHIFT_URL", "http://127.0.0.1:8081");
    }

    /** The operator's token: the flag, else DBSHIFT_TOKEN; null when neither (an open API needs none). */
    static String token(String flag) {
        if (flag != null && !flag.isBlank()) {
            return flag.strip();
        }
        String env = System.getenv("DBSHIFT_TOKEN");
        return env == null || env.isBlank() ? null : env.strip();
    }

    static String executorUrl(String flag) {
        return pick(flag, "DBSHIFT_EXECUTOR_URL", "http://127.0.0.1:8082");
    }

    static String kafkaBootstrap(String flag) {
        return pick(flag, "DBSHIFT_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
    }

    /** A producer that gives up within seconds when the broker is not there, instead of blocking for a minute. */
    static org.apache.kafka.clients.producer.KafkaProducer<String, String> producer(String bootstrap) {
        java.util.Properties props = new java.util.Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new org.apache.kafka.clients.producer.KafkaProducer<>(props);
    }

    private static String pick(String flag, String variable, String fallback) {
        if (flag != null && !flag.isBlank()) {
            return flag;
        }
        String env = System.getenv(variable);
        if (env != null && !env.isBlank()) {
            return env;
        }
        return localStack().getOrDefault(variable, fallback);
    }

    static Map<String, String> localStack() {
        Path file = Path.of(System.getProperty("dbshift.home", ".")).resolve(LOCAL_STACK_FILE);
        Map<String, String> values = new HashMap<>();
        if (Files.isRegularFile(file)) {
            try {
                for (String line : Files.readAllLines(file)) {
                    int eq = line.indexOf('=');
                    if (eq > 0 && !line.startsWith("#")) {
                        values.put(
                                line.substring(0, eq).trim(),
                                line.substring(eq + 1).trim());
                    }
                }
            } catch (IOException ignored) {
                // no local stack then
            }
        }
        return values;
    }
}
