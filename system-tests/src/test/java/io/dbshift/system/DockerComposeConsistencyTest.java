package io.dbshift.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.Topics;
import io.dbshift.localstack.LocalPostgres;
import io.dbshift.localstack.ServiceProcess;
import io.dbshift.localstack.Stack;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot run here (no Docker engine), so this keeps it honest against the
 * services: names, ports, Dockerfiles, configuration keys, databases and topics.
 */
class DockerComposeConsistencyTest {
    static Path home;
    static Map<String, Object> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        home = Path.of(System.getProperty("dbshift.home", ".."))
                .toAbsolutePath()
                .normalize();
        try (Reader reader = Files.newBufferedReader(home.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(reader);
            services = (Map<String, Object>) compose.get("services");
        }
    }

    @Test
    void everyServiceOfTheSystemIsThereWithPinnedImages() {
        for (String name : List.of(
                "kafka",
                "postgres",
                "orchestrator-service",
                "executor-service",
                "verifier-service",
                "notifier-service")) {
            assertTrue(services.containsKey(name), "docker-compose.yml has no service " + name);
        }
        assertEquals(
                new TreeSet<>(Stack.SERVICES),
                services.keySet().stream()
                        .filter(k -> k.endsWith("-service"))
                        .collect(Collectors.toCollection(TreeSet::new)));
        services.forEach((name, definition) -> {
            Object image = map(definition).get("image");
            if (image != null) {
                assertTrue(
                        image.toString().matches("[^:]+:[0-9v][^:]*")
                                && !image.toString().endsWith(":latest"),
                        name + " uses an unpinned image " + image);
            }
        });
        for (String infra : List.of("kafka", "postgres")) {
            assertNotNull(map(services.get(infra)).get("healthcheck"), infra + " has no healthcheck");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"orchestrator-service", "executor-service", "verifier-service", "notifier-service"})
    void aServiceIsBuiltFromItsDockerfileOnItsOwnPortAndWaitsForItsDependencies(String service) throws IOException {
        Map<String, Object> definition = map(services.get(service));
        Map<String, Object> build = map(definition.get("build"));
        assertEquals("./" + service, build.get("context"));
        Path dockerfile = home.resolve(service).resolve(build.get("dockerfile").toString());
        assertTrue(Files.isRegularFile(dockerfile), dockerfile + " is missing");

        String port = properties(service).getProperty("quarkus.http.port");
        assertEquals(port, environment(service).get("QUARKUS_HTTP_PORT"), service + ": QUARKUS_HTTP_PORT");
        assertEquals(List.of(port + ":" + port), definition.get("ports"), service + ": published port");
        assertTrue(Files.readString(dockerfile).contains("EXPOSE " + port), dockerfile + " does not expose " + port);
        assertTrue(
                map(definition.get("healthcheck")).get("test").toString().contains("/127.0.0.1/" + port),
                service + "'s healthcheck does not probe its port");

        Map<String, Object> dependsOn = map(definition.get("depends_on"));
        for (String dependency : List.of("postgres", "kafka")) {
            assertEquals(
                    "service_healthy",
                    map(dependsOn.get(dependency)).get("condition"),
                    service + " must wait for " + dependency);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"orchestrator-service", "executor-service", "verifier-service", "notifier-service"})
    void composeSetsTheSameConfigurationKeysAsTheLocalStack(String service) throws IOException {
        Set<String> local =
                Stack.configFor(service, LocalPostgres.describing("h", 1, "u", "p"), "b:1", Map.of()).keySet().stream()
                        .map(ServiceProcess::environmentName)
                        .collect(Collectors.toCollection(TreeSet::new));
        Set<String> compose = new TreeSet<>(environment(service).keySet());
        Set<String> missing = new TreeSet<>(local);
        missing.removeAll(compose);
        assertEquals(Set.of(), missing, service + ": keys the local stack sets but docker-compose.yml does not");

        // Every key compose sets is one the service knows: a property of its own, a target, or a notifier channel.
        Set<String> known = properties(service).stringPropertyNames().stream()
                .map(ServiceProcess::environmentName)
                .collect(Collectors.toSet());
        for (String key : compose) {
            boolean ok = known.contains(key)
                    || local.contains(key)
                    || key.equals("QUARKUS_HTTP_PORT")
                    || (service.equals("notifier-service")
                            && (key.startsWith("DBSHIFT_NOTIFIER_") || key.startsWith("QUARKUS_MAILER_")));
            assertTrue(ok, service + ": docker-compose.yml sets " + key + ", which the service does not read");
        }
    }

    @Test
    void targetsTheOrchestratorAcceptsAreTheOnesExecutorAndVerifierCanReach() throws IOException {
        Set<String> accepted = Set.of(environment("orchestrator-service")
                .get("DBSHIFT_ORCHESTRATOR_TARGETS")
                .split(","));
        assertEquals(
                Set.of(properties("orchestrator-service")
                        .getProperty("dbshift.orchestrator.targets")
                        .split(",")),
                accepted);
        for (String service : List.of("executor-service", "verifier-service")) {
            Set<String> reachable = environment(service).keySet().stream()
                    .map(key -> Pattern.compile("DBSHIFT_TARGETS_(.+)_JDBC_URL").matcher(key))
                    .filter(Matcher::matches)
                    .map(m -> m.group(1).toLowerCase())
                    .collect(Collectors.toSet());
            assertEquals(accepted, reachable, service + " cannot reach every target the orchestrator accepts");
        }
    }

    @Test
    void everyDatabaseTheServicesUseIsCreatedAndEveryTopicExists() throws IOException {
        String init = Files.readString(home.resolve("docker/postgres/init.sh"));
        Pattern database = Pattern.compile("postgres(?:ql)?://postgres:5432/(\\w+)");
        for (String service : Stack.SERVICES) {
            for (String value : environment(service).values()) {
                Matcher m = database.matcher(value);
                if (m.find()) {
                    assertTrue(init.contains(m.group(1)), "docker/postgres/init.sh does not create " + m.group(1));
                }
            }
        }
        String topicsCommand = map(services.get("kafka-topics")).get("command").toString();
        for (String topic : Topics.all()) {
            assertTrue(
                    topicsCommand.contains(topic + " ") || topicsCommand.contains(topic + ";"),
                    "topic " + topic + " is not created");
        }
        assertFalse(String.valueOf(map(services.get("kafka")).get("environment"))
                .contains("AUTO_CREATE_TOPICS_ENABLE: true"));
    }

    // --- helpers -------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        assertNotNull(value);
        return (Map<String, Object>) value;
    }

    static Map<String, String> environment(String service) {
        return map(map(services.get(service)).get("environment")).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
    }

    static Properties properties(String service) throws IOException {
        Properties properties = new Properties();
        try (Reader reader =
                Files.newBufferedReader(home.resolve(service).resolve("src/main/resources/application.properties"))) {
            properties.load(reader);
        }
        return properties;
    }
}
