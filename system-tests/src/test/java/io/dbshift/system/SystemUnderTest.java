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

    private SystemUnderTest() {}

    static synchronized Stack stack() {
        if (stack == null) {
            Path home = Path.of(System.getProperty("dbshift.home", ".."))
                    .toAbsolutePath()
                    .normalize();
            // Smaller than the demo's targets: the tests are about behaviour; the demo and benchmarks are about size.
            stack = Stack.start(
                    home,
                    new Stack.Options(2_000, 50_000, Map.of()),
                    message -> System.out.println("[stack] " + message));
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        }
        return stack;
    }
}
