package io.dbshift.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One dbshift service running from its built {@code quarkus-app}, in its own JVM. */
public final class ServiceProcess implements AutoCloseable {
    private final String name;
    private int port;
    private final Path log;
    private final Path jar;
    private final Map<String, String> config;
    private Process process;
    /** Where this launch's output starts in the shared log. */
    private long logOffset;

    private ServiceProcess(String name, Path jar, int port, Path log, Map<String, String> config) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.log = log;
        this.config = config;
    }

    /**
     * Starts a service. {@code config} entries become environment variables ({@code kafka.bootstrap.servers}
     * as {@code KAFKA_BOOTSTRAP_SERVERS}), the way docker-compose configures the same services, so every
     * local run also proves that mapping.
     */
    public static ServiceProcess start(String name, Path home, int port, Path logDir, Map<String, String> config) {
        Path jar = home.resolve(name + "/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    name + " is not built (" + jar + " is missing); build with: ./mvnw -DskipTests install");
        }
        ServiceProcess service = new ServiceProcess(
                name, jar, port, logDir.resolve(name + ".log"), new java.util.LinkedHashMap<>(config));
        service.launch();
        return service;
    }

    /** Starts the JVM (again, after {@link #kill()}), appending to the same log. */
    public void launch() {
        // Small heaps and the serial collector: four services, a broker and PostgreSQL share two cores.
        List<String> command = new ArrayList<>(List.of(Processes.javaBin(), "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC"));
        command.add("-jar");
        command.add(jar.toString());
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
            // An empty value means "not set": Quarkus treats an empty property as missing anyway.
            config.forEach((key, value) -> {
                if (value != null && !value.isEmpty()) {
                    // The upper-case form cannot tell a dash from a dot: DESTINATIONS_DB_CHANGES_TYPE could be the map
                    // key db-changes or db.changes. A name with a dash goes as it is, which MicroProfile Config looks
                    // up first.
                    builder.environment().put(key.contains("-") ? key : environmentName(key), value);
                }
            });
            logOffset = Files.exists(log) ? Files.size(log) : 0;
            process = builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + name + ": " + e.getMessage(), e);
        }
    }

    /** The environment variable MicroProfile Config maps to a property: upper case, every other character {@code _}. */
    public static String environmentName(String property) {
        return property.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** Waits until {@code /q/health/ready} answers 200. */
    public void awaitReady(Duration timeout) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        int portRetries = 3;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                // The port was free when chosen, but another process may take it before the service binds it.
                if (portRetries-- > 0 && portWasTaken()) {
                    port = Ports.free();
                    ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(5))
                            .build();
                    launch();
                    continue;
                }
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; its log: " + log);
            }
            try {
                HttpResponse<String> response = http.send(ready, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            Processes.pause(200);
        }
        throw new IllegalStateException(
                name + " was not ready within " + timeout.toSeconds() + " s (last: " + last + "); its log: " + log);
    }

    private boolean portWasTaken() {
        try {
            byte[] all = Files.readAllBytes(log);
            String launchOutput = new String(
                    all,
                    (int) Math.min(logOffset, all.length),
                    (int) Math.max(0, all.length - logOffset),
                    java.nio.charset.StandardCharsets.UTF_8);
            // Quarkus says "Port N seems to be in use by another process" and exits; the bind exception's own words
            // appear only when it is logged in full.
            return launchOutput.contains("seems to be in use")
                    || launchOutput.contains("already bound")
                    || launchOutput.contains("Address already in use");
        } catch (IOException e) {
            return false;
        }
    }

    /** Restarts the service with some settings changed, and waits until it is ready. */
    public void restartWith(Map<String, String> changes, Duration timeout) {
        close();
        config.putAll(changes);
        launch();
        awaitReady(timeout);
    }

    /** Kills the JVM without a shutdown, as a crash would. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public String name() {
        return name;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
