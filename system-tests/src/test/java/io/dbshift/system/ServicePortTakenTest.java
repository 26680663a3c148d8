package io.dbshift.system;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.localstack.ServiceProcess;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack picks a free port for each service and hands it on; another process can take it before the service
 * binds it. The service then exits the way Quarkus does, and the stack starts it again on another port instead of
 * failing. A stand-in service, built here, answers the readiness probe, or exits with Quarkus's words when its port is
 * taken.
 */
class ServicePortTakenTest {
    private static final String STAND_IN = """
            import com.sun.net.httpserver.HttpServer;
            import java.net.BindException;
            import java.net.InetAddress;
            import java.net.InetSocketAddress;

            public class StandIn {
                public static void main(String[] args) throws Exception {
                    int port = Integer.parseInt(System.getenv("QUARKUS_HTTP_PORT"));
                    HttpServer server;
                    try {
                        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
                    } catch (BindException e) {
                        System.out.println("ERROR [io.quarkus.runtime.ApplicationLifecycleManager] Port " + port
                                + " seems to be in use by another process. Quarkus may already be running or the port"
                                + " is used by another application.");
                        System.exit(1);
                        return;
                    }
                    server.createContext("/q/health/ready", exchange -> {
                        exchange.sendResponseHeaders(200, -1);
                        exchange.close();
                    });
                    server.start();
                }
            }
            """;

    @Test
    void aServiceWhosePortWasTakenBeforeItBoundStartsOnAnother(@TempDir Path home) throws Exception {
        standIn(home);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            try (ServiceProcess service = ServiceProcess.start("stand-in", home, port, home, Map.of())) {
                service.awaitReady(Duration.ofSeconds(60));
                int now = URI.create(service.url()).getPort();
                assertNotEquals(port, now, "the service was started again on another port");
                String log = Files.readString(service.log());
                assertTrue(
                        log.contains("Port " + port + " seems to be in use"),
                        "the first launch met the taken port: " + log);
            }
        }
    }

    /** Compiles the stand-in and puts it where the stack looks for a built service. */
    private static void standIn(Path home) throws Exception {
        Path sources = Files.createDirectories(home.resolve("src"));
        Files.writeString(sources.resolve("StandIn.java"), STAND_IN);
        Path classes = Files.createDirectories(home.resolve("classes"));
        int compiled = ToolProvider.getSystemJavaCompiler()
                .run(
                        null,
                        null,
                        null,
                        "-d",
                        classes.toString(),
                        sources.resolve("StandIn.java").toString());
        assertTrue(compiled == 0, "the stand-in compiles");
        Path jar = Files.createDirectories(home.resolve("stand-in/target/quarkus-app"))
                .resolve("quarkus-run.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "StandIn");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream entries = new JarOutputStream(out, manifest)) {
            entries.putNextEntry(new JarEntry("StandIn.class"));
            entries.write(Files.readAllBytes(classes.resolve("StandIn.class")));
            entries.closeEntry();
        }
    }
}
