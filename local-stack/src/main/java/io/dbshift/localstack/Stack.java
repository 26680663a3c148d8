package io.dbshift.localstack;

import io.dbshift.contracts.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole system on one machine: PostgreSQL (control databases and the two example targets),
 * a Kafka broker, and the four services, each in its own JVM. Used by the demo and the system tests.
 */
public final class Stack implements AutoCloseable {
    public static final List<String> SERVICES =
            List.of("orchestrator-service", "executor-service", "verifier-service", "notifier-service");
    public static final String STAGING_DB = "shop_staging";
    public static final String PRODUCTION_DB = "shop_production";

    private final Path home;
    private final Path logDir;
    private LocalInbox inbox;
    private final LocalPostgres postgres;
    private final LocalKafka kafka;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Duration> timings = new LinkedHashMap<>();

    /** Sizes of the seeded example targets. */
    public record Options(int stagingUsers, int productionUsers, Map<String, String> extraConfig, boolean advertise) {
        /** Sizes the targets; the stack keeps quiet about its endpoints (tests, benchmarks). */
        public Options(int stagingUsers, int productionUsers, Map<String, String> extraConfig) {
            this(stagingUsers, productionUsers, extraConfig, false);
        }

        public static Options defaults() {
            return new Options(20_000, 200_000, Map.of());
        }
    }

    private Stack(Path home, Path logDir, LocalPostgres postgres, LocalKafka kafka) {
        this.home = home;
        this.logDir = logDir;
        this.postgres = postgres;
        this.kafka = kafka;
    }

    /** Starts PostgreSQL and Kafka, seeds the example targets, starts the services and waits until all are ready. */
    public static Stack start(Path home, Options options, Progress progress) {
        Path logDir;
        try {
            logDir = Files.createDirectories(home.resolve("target/local-stack-logs"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + home.resolve("target/local-stack-logs"), e);
        }
        long t0 = System.nanoTime();
        progress.say("starting PostgreSQL");
        LocalPostgres postgres = LocalPostgres.startOrConnect();
        long t1 = System.nanoTime();
        progress.say("PostgreSQL ready at " + postgres.host() + ":" + postgres.port()
                + (postgres.isThrowaway() ? " (throwaway cluster)" : ""));
        progress.say("starting Kafka broker (KRaft)");
        LocalKafka kafka;

        try {

            kafka = LocalKafka.startOrConnect(home, Topics.all());

        } catch (RuntimeException e) {

            postgres.close();

            throw e;
        }
        progress.say("Kafka ready at " + kafka.bootstrapServers());
        long t2 = System.nanoTime();
        Stack stack = new Stack(home, logDir, postgres, kafka);
        // Ctrl-C while services start must not leave their JVMs behind.
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        stack.timings.put("postgres", Duration.ofNanos(t1 - t0));
        stack.timings.put("kafka", Duration.ofNanos(t2 - t1));
        try {
            progress.say("seeding targets: " + STAGING_DB + " (" + options.stagingUsers() + " users), " + PRODUCTION_DB
                    + " (" + options.productionUsers() + " users)");
            ExampleTargets.create(postgres, STAGING_DB, options.stagingUsers());
            ExampleTargets.create(postgres, PRODUCTION_DB, options.productionUsers());
            long t3 = System.nanoTime();
            stack.timings.put("seed targets", Duration.ofNanos(t3 - t2));
            for (String service : serviceNames()) {
                postgres.recreateDatabase(controlDatabase(service));
                stack.ports.put(service, Ports.free());
            }
            // Notices by e-mail and to the example's #db-changes arrive in the local inbox.
            stack.inbox = LocalInbox.start(logDir);
            // The stack's backups stay beside its logs, in the checkout's target directory.
            Map<String, String> extra = new LinkedHashMap<>(stack.inbox.notifierConfig(List.of("db-changes")));
            if (stack.ports.containsKey("orchestrator-service")) {
                // The e-mail that says a migration ended carries its report; notices link to the plan and report.
                String orchestrator = "http://127.0.0.1:" + stack.ports.get("orchestrator-service");
                extra.put("notifier-service:dbshift.notifier.orchestrator-url", orchestrator);
                extra.put("notifier-service:dbshift.notifier.public-url", orchestrator);
            }
            extra.put(
                    "executor-service:dbshift.executor.backup-dir",
                    home.resolve("target/local-stack-backups").toString());
            extra.putAll(options.extraConfig());
            progress.say("starting " + String.join(", ", serviceNames()));
            for (String service : serviceNames()) {
                stack.services.put(
                        service,
                        ServiceProcess.start(
                                service,
                                home,
                                stack.ports.get(service),
                                logDir,
                                configFor(service, postgres, kafka.bootstrapServers(), extra)));
            }
            for (ServiceProcess service : stack.services.values()) {
                service.awaitReady(Duration.ofSeconds(120));
            }
            stack.timings.put("services", Duration.ofNanos(System.nanoTime() - t3));
            if (options.advertise()) {
                stack.advertise();
            }
            progress.say("all services ready; logs in " + logDir);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /**
     * The configuration each service gets: its control database, the broker, and the targets it may
     * reach. docker-compose.yml sets the same keys; a test keeps the two in step.
     */
    public static Map<String, String> configFor(
            String service, LocalPostgres postgres, String bootstrapServers, Map<String, String> extra) {
        String db = controlDatabase(service);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl(db));
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(db));
        config.put("quarkus.datasource.username", postgres.user());
        config.put("quarkus.datasource.password", postgres.password());
        config.put("kafka.bootstrap.servers", bootstrapServers);
        switch (service) {
            case "executor-service", "verifier-service" -> {
                for (Map.Entry<String, String> target : Map.of("staging", STAGING_DB, "production", PRODUCTION_DB)
                        .entrySet()) {
                    String prefix = "dbshift.targets." + target.getKey() + ".";
                    config.put(prefix + "jdbc-url", postgres.jdbcUrl(target.getValue()));
                    config.put(prefix + "username", postgres.user());
                    config.put(prefix + "password", postgres.password());
                }
            }
            case "orchestrator-service" -> config.put("dbshift.orchestrator.targets", "staging,production");
            default -> {}
        }
        extra.forEach((key, value) -> {
            String prefix = service + ":";
            if (key.startsWith(prefix)) {
                config.put(key.substring(prefix.length()), value);
            } else if (!key.contains(":")) {
                config.put(key, value);
            }
        });
        return config;
    }

    /** The services to run: all of them, or the subset named by {@code -Ddbshift.services=a,b} (for debugging one service). */
    static List<String> serviceNames() {
        String only = System.getProperty("dbshift.services", "");
        return only.isBlank() ? SERVICES : List.of(only.split(","));
    }

    public static String controlDatabase(String service) {
        return "dbshift_" + service.replace("-service", "");
    }

    public ServiceProcess service(String name) {
        return services.get(name);
    }

    public String orchestratorUrl() {
        return services.get("orchestrator-service").url();
    }

    public LocalPostgres postgres() {
        return postgres;
    }

    public LocalKafka kafka() {
        return kafka;
    }

    public Map<String, ServiceProcess> services() {
        return Map.copyOf(services);
    }

    /** How long each part of {@link #start} took: postgres, kafka, seed targets, services. */
    public Map<String, Duration> timings() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(timings));
    }

    public Path home() {
        return home;
    }

    /** Where the notifier's e-mail and Slack notices arrive. */
    public LocalInbox inbox() {
        return inbox;
    }

    public Path logDir() {
        return logDir;
    }

    /** Where the running stack is, for the command line ({@code target/local-stack.env}); removed on close. */
    private void advertise() {
        try {
            Files.writeString(
                    endpointsFile(),
                    "# written by the running local stack; removed when it stops\n"
                            + "DBSHIFT_URL=" + orchestratorUrl() + "\n"
                            + "DBSHIFT_KAFKA_BOOTSTRAP=" + kafka.bootstrapServers() + "\n"
                            + "DBSHIFT_EXECUTOR_URL="
                            + services.get("executor-service").url() + "\n");
        } catch (IOException e) {
            // The command line then needs --url; nothing else depends on the file.
        }
    }

    private Path endpointsFile() {
        return home.resolve("target/local-stack.env");
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(endpointsFile());
        } catch (IOException ignored) {
            // best effort
        }
        services.values().forEach(ServiceProcess::close);
        if (inbox != null) {
            inbox.close();
        }
        kafka.close();
        postgres.close();
    }

    /** Where the stack reports what it is doing. */
    @FunctionalInterface
    public interface Progress {
        void say(String message);
    }
}
