package io.dbshift.notifier.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dbshift.contracts.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server standing in for a Slack incoming webhook: it records every request body and
 * answers 200 "ok", or the statuses queued with {@link #answerNext(int, int)}.
 */
public final class FakeSlackWebhook implements AutoCloseable {
    /** Looks like a real webhook path, so that the test can check it never shows in full. */
    public static final String PATH = "/services/T0DBSHIFT/B0NOTIFY/s3cr3tT0k3n";

    private final HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final Queue<Integer> scripted = new ConcurrentLinkedQueue<>();

    public FakeSlackWebhook() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(PATH, this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** The next {@code times} requests are answered with {@code status}. */
    public void answerNext(int status, int times) {
        for (int i = 0; i < times; i++) {
            scripted.add(status);
        }
    }

    /** Every request body received whose fallback text or blocks mention the text. */
    public List<JsonNode> requestsMentioning(String text) {
        return requests.stream().filter(body -> body.toString().contains(text)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(Json.read(body, JsonNode.class));
            Integer status = scripted.poll();
            byte[] answer = (status == null ? "ok" : "server_error").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status == null ? 200 : status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
