package io.dbshift.system;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An outside service receiving the notifier's signed webhook, as a team's own tooling would: it records every call
 * (body and the dbshift headers) and answers 204, after a delay when one is set.
 */
final class WebhookReceiver implements AutoCloseable {
    static final String PATH = "/dbshift/events/r3c31v3rS3cret";
    static final String SIGNING_KEY = "whsec_system_test";

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Duration delay = Duration.ZERO;
    /** Released when the slow-down ends or the receiver closes: a slowed answer waits on it, at most the delay. */
    private volatile CountDownLatch fast = new CountDownLatch(0);

    /** One call as received. */
    record Call(String body, String deliveryId, String timestamp, String signature) {

        /**
         * What a receiver does with the shared key: HMAC-SHA256 over {@code <timestamp>.<body>}, compared in constant
         * time with the {@code sha256=<hex>} of the signature header. Written here from the documented scheme, not
         * borrowed from the notifier.
         */
        boolean signedWith(String key) {
            if (signature == null || timestamp == null) {
                return false;
            }
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                String expected = "sha256="
                        + HexFormat.of()
                                .formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
                return MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext(PATH, this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** Every call answers only after this long: a slow receiver, so that a stream of notices takes a while. */
    void slowDown(Duration delay) {
        if (delay.isZero()) {
            fast.countDown();
        } else {
            fast = new CountDownLatch(1);
        }
        this.delay = delay;
    }

    /** The calls whose body mentions the text. */
    List<Call> calls(String text) {
        return calls.stream().filter(call -> call.body().contains(text)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Duration slow = delay;
            if (!slow.isZero()) {
                try {
                    fast.await(slow.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            calls.add(new Call(
                    body,
                    exchange.getRequestHeaders().getFirst("X-Dbshift-Delivery"),
                    exchange.getRequestHeaders().getFirst("X-Dbshift-Timestamp"),
                    exchange.getRequestHeaders().getFirst("X-Dbshift-Signature")));
            exchange.sendResponseHeaders(204, -1);
        }
    }

    @Override
    public void close() {
        fast.countDown();
        server.stop(0);
    }
}
