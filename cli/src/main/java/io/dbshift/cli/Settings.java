package io.dbshift.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

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

    static String kafkaBootstrap(String flag) {
        return pick(flag, "DBSHIFT_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
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
