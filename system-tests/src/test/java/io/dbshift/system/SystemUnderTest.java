package io.dbshift.system;

import io.dbshift.localstack.Stack;
import java.nio.file.Path;
import java.util.Map;

/**
 * The whole system, started once per test JVM and shared by the system tests: PostgreSQL with
 * the two example targets, a Kafka broker and the four services as built by the reactor.
 */
final class SystemUnderTest {
    private static Stack stack;
    private static WebhookReceiver receiver;

    private SystemUnderTest() {}

    static synchronized Stack stack() {
        if (stack == null) {
            Path home = Path.of(System.getProperty("dbshift.home", ".."))
                    .toAbsolutePath()
                    .normalize();
            receiver = new WebhookReceiver();
            // Smaller than the demo's targets: the tests are about behaviour; the demo and benchmarks are about size.
            // Every notice also goes to a signed webhook the tests read, as a team's own service would.
            stack = Stack.start(
                    home,
                    new Stack.Options(
                            2_000,
                            50_000,
                            Map.of(
                                    "notifier-service:dbshift.notifier.destinations.receiver.type",
                                    "webhook",
                                    "notifier-service:dbshift.notifier.destinations.receiver.url",
                                    receiver.url(),
                                    "notifier-service:dbshift.notifier.destinations.receiver.signing-key",
                                    WebhookReceiver.SIGNING_KEY,
                                    "notifier-service:dbshift.notifier.routes.everything.destinations",
                                    "receiver",
                                    // Long enough for a test to see the contract wait, short enough to see it give up.
                                    "executor-service:dbshift.executor.old-application-wait",
                                    "20s")),
                    message -> System.out.println("[stack] " + message));
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        }
        return stack;
    }

    /** The outside service the notifier's webhook calls. */
    static synchronized WebhookReceiver receiver() {
        stack();
        return receiver;
    }
}
