package io.dbshift.localstack;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real Apache Kafka broker (KRaft, combined broker and controller) in its own JVM, started from
 * the Maven Central jars that the local-stack build copies to {@code local-stack/target/kafka-libs}.
 * Set {@code DBSHIFT_KAFKA_BOOTSTRAP} to use a running broker instead.
 */
public final class LocalKafka implements AutoCloseable {
    public static final int PARTITIONS = 3;

    private final String bootstrapServers;
    private final Process process;
    private final Path workDir;

    private LocalKafka(String bootstrapServers, Process process, Path workDir) {
        this.bootstrapServers = bootstrapServers;
        this.process = process;
        this.workDir = workDir;
    }

    /** Connects to {@code DBSHIFT_KAFKA_BOOTSTRAP}, or starts a broker; either way the topics exist afterwards. */
    public static LocalKafka startOrConnect(Path home, List<String> topics) {
        String configured = System.getenv("DBSHIFT_KAFKA_BOOTSTRAP");
        LocalKafka kafka =
                configured != null && !configured.isBlank() ? new LocalKafka(configured, null, null) : start(home);
        kafka.createTopics(topics);
        return kafka;
    }

    private static LocalKafka start(Path home) {
        Path libs = home.resolve("local-stack/target/kafka-libs");
        if (!Files.isDirectory(libs)) {
            throw new IllegalStateException("the Kafka broker jars are missing at " + libs
                    + "; build them with: ./mvnw -pl local-stack -am package -DskipTests");
        }
        int brokerPort = Ports.free();
        int controllerPort = Ports.free();
        Path dir;
        try {
            dir = Files.createTempDirectory("dbshift-kafka-");
        } catch (IOException e) {
            throw new IllegalStateException("could not create a directory for the Kafka broker: " + e.getMessage(), e);
        }
        Process process = null;
        try {
            Path config = dir.resolve("server.properties");
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "process.roles=broker,controller",
                            "node.id=1",
                            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                            "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:"
                                    + controllerPort,
                            "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
                            "controller.listener.names=CONTROLLER",
                            "inter.broker.listener.name=PLAINTEXT",
                            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                            "log.dirs=" + dir.resolve("logs"),
                            "num.partitions=" + PARTITIONS,
                            "offsets.topic.replication.factor=1",
                            "offsets.topic.num.partitions=3",
                            "transaction.state.log.replication.factor=1",
                            "transaction.state.log.min.isr=1",
                            "share.coordinator.state.topic.replication.factor=1",
                            "share.coordinator.state.topic.min.isr=1",
                            "group.initial.rebalance.delay.ms=0",
                            "auto.create.topics.enable=false",
                            ""));
            Path log4j = dir.resolve("log4j2.properties");
            Files.writeString(
                    log4j,
                    String.join(
                            "\n",
                            "rootLogger.level=WARN",
                            "rootLogger.appenderRef.file.ref=file",
                            "appender.file.type=File",
                            "appender.file.name=file",
                            "appender.file.fileName=" + dir.resolve("broker.log"),
                            "appender.file.layout.type=PatternLayout",
                            "appender.file.layout.pattern=[%d] %p %m (%c)%n",
                            ""));
            String classpath = libs.toAbsolutePath() + File.separator + "*";
            List<String> java = List.of(
                    Processes.javaBin(),
                    "-Xms256m",
                    "-Xmx512m",
                    "-XX:+UseSerialGC",
                    "-Dlog4j2.configurationFile=" + log4j,
                    "-cp",
                    classpath);
            List<String> format = new ArrayList<>(java);
            format.addAll(List.of(
                    "kafka.tools.StorageTool",
                    "format",
                    "-t",
                    Uuid.randomUuid().toString(),
                    "-c",
                    config.toString(),
                    "--ignore-formatted"));
            Processes.run(format, null);
            List<String> broker = new ArrayList<>(java);
            broker.addAll(List.of("kafka.Kafka", config.toString()));
            process = new ProcessBuilder(broker)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("broker.out").toFile())
                    .start();
            LocalKafka kafka = new LocalKafka("127.0.0.1:" + brokerPort, process, dir);
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
            kafka.awaitReady();
            return kafka;
        } catch (IOException | RuntimeException e) {
            // Nothing of a failed start stays behind: no broker process, no directory.
            Processes.stop(process);
            Processes.deleteRecursively(dir);
            throw e instanceof IllegalStateException ise
                    ? ise
                    : new IllegalStateException("could not start the Kafka broker: " + e.getMessage(), e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Exception last = null;
        awaitPort(deadline);
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited with " + process.exitValue() + "; see "
                        + workDir.resolve("broker.out"));
            }
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
                Processes.pause(250);
            }
        }
        throw new IllegalStateException("the Kafka broker at " + bootstrapServers + " did not become ready: " + last);
    }

    /** Waits for the listener before any client connects, so clients do not log a storm of refused connections. */
    private void awaitPort(long deadline) {
        String[] hostPort = bootstrapServers.split(":");
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                return;
            }
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 500);
                return;
            } catch (IOException e) {
                Processes.pause(200);
            }
        }
    }

    private Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        return Admin.create(props);
    }

    /** Creates the topics that do not exist yet. */
    public void createTopics(List<String> topics) {
        try (Admin admin = admin()) {
            var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, PARTITIONS, (short) 1))
                    .collect(Collectors.toList());
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(
                        "could not create topics on " + bootstrapServers + ": " + e.getCause(), e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not create topics on " + bootstrapServers + ": " + e, e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's process id, for memory figures; -1 when the broker is not ours. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    @Override
    public synchronized void close() {
        Processes.stop(process);
        if (workDir != null && !Boolean.getBoolean("dbshift.keep-logs")) {
            Processes.deleteRecursively(workDir);
        }
    }
}
