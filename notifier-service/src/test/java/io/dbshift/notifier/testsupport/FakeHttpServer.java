package io.dbshift.notifier.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dbshift.contracts.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local HTTP server with several endpoints standing in for Slack webhooks, signed webhooks and the orchestrator. Each
 * endpoint records what it receives (body, headers, time) and answers 200, or what was scripted: a status with
 * headers, or a hang longer than the caller's timeout.
 */
public final class FakeHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    /** Released when the server closes: a hanging answer waits on it, at most its hang. */
    private final CountDownLatch closing = new CountDownLatch(1);

    public FakeHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // A hanging answer must not hold up the others.
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    /** The endpoint at a path, created on first use. */
    public Endpoint endpoint(String path) {
        return endpoints.computeIfAbsent(path, p -> {
            Endpoint endpoint =
                    new Endpoint("http://127.0.0.1:" + server.getAddress().getPort() + p, closing);
            server.createContext(p, endpoint::handle);
            return endpoint;
        });
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }

    /** One request as received. */
    public record Received(String body, Map<String, String> headers, Instant at) {
        public JsonNode json() {
            return Json.read(body, JsonNode.class);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    /** What to answer one request with. */
    private record Answer(int status, Map<String, String> headers, Duration hang, String body) {}

    /** One path of the server. */
    public static final class Endpoint {
        private final String url;
        private final List<Received> requests = new CopyOnWriteArrayList<>();
        private final Queue<Answer> scripted = new ConcurrentLinkedQueue<>();
        private final CountDownLatch closing;
        private volatile String body = "ok";

        Endpoint(String url, CountDownLatch closing) {
            this.url = url;
            this.closing = closing;
        }

        public String url() {
            return url;
        }

        /** The body of every 200 answer. */
        public void answerWith(String body) {
            this.body = body;
        }

        /** The next {@code times} requests are answered with {@code status}. */
        public void answerNext(int status, int times) {
            answerNext(status, times, Map.of());
        }

        /** The next {@code times} requests are answered with {@code status} and these headers. */
        public void answerNext(int status, int times, Map<String, String> headers) {
            for (int i = 0; i < times; i++) {
                scripted.add(new Answer(status, headers, Duration.ZERO, "server_error"));
            }
        }

        /** The next {@code times} requests get no answer for {@code hang}. */
        public void hangNext(int times, Duration hang) {
            for (int i = 0; i < times; i++) {
                scripted.add(new Answer(200, Map.of(), hang, "late"));
            }
        }

        public List<Received> requests() {
            return List.copyOf(requests);
        }

        /** Every request body received that mentions the text. */
        public List<JsonNode> requestsMentioning(String text) {
            return requests.stream()
                    .filter(r -> r.body().contains(text))
                    .map(Received::json)
                    .toList();
        }

        /** Every request received whose body mentions the text. */
        public List<Received> received(String text) {
            return requests.stream().filter(r -> r.body().contains(text)).toList();
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String received = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Map<String, String> headers = new ConcurrentHashMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
                requests.add(new Received(received, Map.copyOf(headers), Instant.now()));
                Answer answer = scripted.poll();
                if (answer == null) {
                    answer = new Answer(200, Map.of(), Duration.ZERO, body);
                }
                if (!answer.hang().isZero()) {
                    try {
                        // No answer until the hang is over or the server closes, long after the caller gave up.
                        closing.await(answer.hang().toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                answer.headers()
                        .forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
                byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(answer.status(), bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            } catch (IOException e) {
                // The caller gave up (a timeout) and closed the connection: nothing to answer.
            }
        }
    }
}
