package io.dbshift.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code dbshift demo [--keep-running] [--users N] [--request FILE]}: starts the whole system locally
 * and runs the workflow's example migration through design, plan, implement and verify.
 * Exit codes: 0 completed, 1 the migration failed, 2 it did not end in time, 3 the stack could not start.
 */
public final class Main {
    private Main() {}

    private static String value(String[] args, int flagAt) {
        if (flagAt + 1 >= args.length) {
            usage(args[flagAt] + " needs a value");
        }
        return args[flagAt + 1];
    }

    private static int positive(String[] args, int valueAt) {
        String text = value(args, valueAt - 1);
        try {
            int n = Integer.parseInt(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        usage(args[valueAt - 1] + " needs a positive whole number, not \"" + text + "\"");
        return 0;
    }

    private static void usage(String problem) {
        System.err.println(
                "dbshift: " + problem + "; usage: dbshift demo [--keep-running] [--users N] [--request FILE]");
        System.exit(64);
    }

    public static void main(String[] args) throws InterruptedException {
        Path home = Path.of(System.getProperty("dbshift.home", "."))
                .toAbsolutePath()
                .normalize();
        boolean keepRunning = false;
        int users = 200_000;
        Path request = home.resolve("examples/add-user-avatar.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "demo" -> {}
                case "--keep-running" -> keepRunning = true;
                case "--users" -> users = positive(args, ++i);
                case "--request" -> request = Path.of(value(args, i++)).toAbsolutePath();
                case "-h", "--help" -> {
                    System.out.println("usage: dbshift demo [--keep-running] [--users N] [--request FILE]");
                    return;
                }
                default -> {
                    System.err.println("unknown argument \"" + args[i]
                            + "\"; usage: dbshift demo [--keep-running] [--users N] [--request FILE]");
                    System.exit(64);
                }
            }
        }
        long started = System.nanoTime();
        Stack stack;
        try {
            stack = Stack.start(
                    home,
                    new Stack.Options(Math.max(1000, users / 10), users, Map.of(), true),
                    message -> System.out.printf(
                            "%s  %s%n", Instant.now().toString().substring(11, 19), message));
        } catch (RuntimeException e) {
            System.err.println("dbshift: the local stack could not start: " + e.getMessage());
            System.exit(3);
            return;
        }
        // Ctrl-C must not leave service JVMs behind.
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        System.out.printf("stack up in %.1f s%n", (System.nanoTime() - started) / 1e9);
        int exit;
        try {
            Demo.Outcome outcome = new Demo(stack, System.out).run(request, Duration.ofMinutes(5));
            exit = switch (outcome) {
                case COMPLETED -> 0;
                case FAILED -> 1;
                case TIMED_OUT -> 2;
            };
            System.out.printf(
                    "%ndemo finished: %s in %.1f s (exit %d)%n", outcome, (System.nanoTime() - started) / 1e9, exit);
            if (keepRunning) {
                System.out.printf(
                        "%nThe system keeps running (Ctrl-C stops it):%n  orchestrator  %s  (GET /migrations, /q/swagger-ui)%n"
                                + "  Kafka         %s%n  PostgreSQL    %s:%d (user %s; targets %s, %s)%n  logs          %s%n",
                        stack.orchestratorUrl(),
                        stack.kafka().bootstrapServers(),
                        stack.postgres().host(),
                        stack.postgres().port(),
                        stack.postgres().user(),
                        Stack.STAGING_DB,
                        Stack.PRODUCTION_DB,
                        stack.logDir());
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                stop.await();
            }
        } finally {
            stack.close();
        }
        System.exit(exit);
    }
}
