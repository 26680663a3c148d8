package io.dbshift.localstack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Json;
import io.dbshift.contracts.event.MigrationCompleted;
import io.dbshift.contracts.event.MigrationFailed;
import io.dbshift.contracts.request.BackfillSpec;
import io.dbshift.contracts.request.CheckSpec;
import io.dbshift.contracts.request.MigrationRequest;
import io.dbshift.contracts.request.MigrationScript;
import io.dbshift.localstack.Demo;
import io.dbshift.localstack.EventFollower;
import io.dbshift.localstack.ExampleTargets;
import io.dbshift.localstack.Stack;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code dbshift bench [--runs N] [--users N]}: start-up time and memory of the whole stack, the
 * example migration's end-to-end time, and the same database work done directly over one JDBC
 * connection in the same run, so the difference is the system's own overhead.
 */
public final class FoundationBenchmark {
    private static final PrintStream OUT = System.out;

    private FoundationBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("dbshift.home", "."))
                .toAbsolutePath()
                .normalize();
        int runs = 3;
        int users = 200_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "bench" -> {}
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--users" -> users = Integer.parseInt(args[++i]);
                default ->
                    throw new IllegalArgumentException(
                            "unknown argument " + args[i] + "; usage: dbshift bench [--runs N] [--users N]");
            }
        }
        int stagingUsers = Math.max(1000, users / 10);
        long started = System.nanoTime();
        try (Stack stack =
                Stack.start(home, new Stack.Options(stagingUsers, users, Map.of()), m -> OUT.println("  " + m))) {
            double startup = (System.nanoTime() - started) / 1e9;
            OUT.printf("%n## Start-up%n%n| part | seconds |%n|---|---|%n");
            stack.timings().forEach((part, d) -> OUT.printf("| %s | %.1f |%n", part, d.toMillis() / 1000.0));
            OUT.printf("| **whole stack** | **%.1f** |%n", startup);
            memory(stack, "idle, after start-up");

            Path requestFile = home.resolve("examples/add-user-avatar.json");
            MigrationRequest request = Json.read(Files.readString(requestFile), MigrationRequest.class);
            Demo demo = new Demo(stack, new PrintStream(PrintStream.nullOutputStream()));
            List<Double> system = new ArrayList<>();
            List<Double> direct = new ArrayList<>();
            Map<String, List<Long>> stepMillis = new LinkedHashMap<>();
            for (int run = 1; run <= runs; run++) {
                reseed(stack, stagingUsers, users);
                system.add(viaSystem(stack, demo, requestFile, stepMillis));
                reseed(stack, stagingUsers, users);
                direct.add(directly(stack, request));
                OUT.printf(
                        "  run %d: dbshift %.2f s, direct JDBC %.2f s%n",
                        run, system.get(run - 1), direct.get(run - 1));
            }
            memory(stack, "after " + runs + " migrations");

            double s = median(system);
            double d = median(direct);
            OUT.printf(
                    "%n## The example migration (%d staging users, %d production users; median of %d runs)%n%n",
                    stagingUsers, users, runs);
            OUT.printf("| measure | seconds |%n|---|---|%n");
            OUT.printf("| dbshift, submit to MigrationCompleted | %.2f |%n", s);
            OUT.printf("| the same database work over one JDBC connection | %.2f |%n", d);
            OUT.printf(
                    "| dbshift's own overhead (difference) | %.2f (%.0f%% of the total) |%n", s - d, 100 * (s - d) / s);
            OUT.printf("| ratio dbshift / direct | %.2f |%n", s / d);
            OUT.printf("%n| step (as the orchestrator saw it, median ms) | ms |%n|---|---|%n");
            stepMillis.forEach((step, ms) -> OUT.printf(
                    "| %s | %d |%n",
                    step, (long) median(ms.stream().map(Long::doubleValue).toList())));
        }
    }

    private static void reseed(Stack stack, int stagingUsers, int users) {
        ExampleTargets.create(stack.postgres(), Stack.STAGING_DB, stagingUsers);
        ExampleTargets.create(stack.postgres(), Stack.PRODUCTION_DB, users);
    }

    private static double viaSystem(Stack stack, Demo demo, Path requestFile, Map<String, List<Long>> stepMillis)
            throws Exception {
        try (EventFollower follower = new EventFollower(stack.kafka().bootstrapServers())) {
            follower.poll(Duration.ofMillis(500));
            long t0 = System.nanoTime();
            String id = demo.submit(requestFile);
            List<CloudEvent> events = follower.collectUntil(
                    e -> id.equals(e.subject()),
                    e -> e.payload() instanceof MigrationCompleted || e.payload() instanceof MigrationFailed,
                    Duration.ofMinutes(5));
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (events.isEmpty() || !(events.get(events.size() - 1).payload() instanceof MigrationCompleted)) {
                throw new IllegalStateException(
                        "the example did not complete: " + demo.get("/migrations/" + id + "/report"));
            }
            JsonNode steps = Json.MAPPER
                    .readTree(demo.get("/migrations/" + id))
                    .path("evidence")
                    .path("steps");
            for (JsonNode step : steps) {
                long ms = Duration.between(
                                java.time.Instant.parse(step.get("startedAt").asText()),
                                java.time.Instant.parse(step.get("finishedAt").asText()))
                        .toMillis();
                stepMillis
                        .computeIfAbsent(step.get("stepId").asText(), k -> new ArrayList<>())
                        .add(ms);
            }
            return seconds;
        }
    }

    /** What the migration needs from the databases, done by one client: catalog read, counts, DDL, batches, checks. */
    private static double directly(Stack stack, MigrationRequest request) throws SQLException {
        long t0 = System.nanoTime();
        try (Connection production = stack.postgres().connect(Stack.PRODUCTION_DB)) {
            count(
                    production,
                    "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relkind = 'r' AND a.attnum > 0");
        }
        for (String db : List.of(Stack.STAGING_DB, Stack.PRODUCTION_DB)) {
            try (Connection c = stack.postgres().connect(db)) {
                Map<String, Long> baseline = new LinkedHashMap<>();
                for (String table : List.of("users", "orders")) {
                    baseline.put(table, count(c, "SELECT count(*) FROM " + table));
                }
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    for (MigrationScript script : request.migrations()) {
                        for (String statement : script.up().split(";")) {
                            if (!statement.isBlank()) {
                                s.execute(statement);
                            }
                        }
                    }
                }
                c.commit();
                c.setAutoCommit(true);
                for (BackfillSpec b : request.backfills()) {
                    backfill(c, b);
                }
                c.setAutoCommit(false);
                c.setReadOnly(true);
                for (CheckSpec check : request.checks()) {
                    if (check.sql() != null) {
                        count(c, check.sql());
                    } else if (check.rowCount() != null) {
                        count(c, "SELECT count(*) FROM " + check.rowCount());
                    } else {
                        count(
                                c,
                                "SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = o.user_id)");
                    }
                }
                c.rollback();
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void backfill(Connection c, BackfillSpec b) throws SQLException {
        String key = b.keyOrDefault();
        String sql = "WITH batch AS (SELECT " + key + " AS k FROM " + b.table() + " WHERE " + key + " > ? ORDER BY "
                + key + " LIMIT ?), "
                + "changed AS (UPDATE " + b.table() + " t SET " + b.set() + " FROM batch WHERE t." + key
                + " = batch.k AND (" + b.where() + ") RETURNING 1) "
                + "SELECT max(k), count(*) FROM batch";
        long last = Long.MIN_VALUE;
        // As competent as dbshift's own engine: planned for each batch's values, joined back by the key's index
        // (a generic plan hashes the whole table for every batch).
        try (Statement s = c.createStatement()) {
            s.execute("SET plan_cache_mode = force_custom_plan");
            s.execute("SET enable_hashjoin = off");
            s.execute("SET enable_mergejoin = off");
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            while (true) {
                ps.setLong(1, last);
                ps.setInt(2, b.batchSizeOrDefault());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(2) == 0) {
                        return;
                    }
                    last = rs.getLong(1);
                }
            }
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void memory(Stack stack, String when) {
        OUT.printf(
                "%n## Memory, %s (kB; PSS counts shared pages once)%n%n| process | processes | RSS | PSS |%n|---|---|---|---|%n",
                when);
        Memory.Usage total = new Memory.Usage(0, 0, 0);
        Map<String, Long> pids = new LinkedHashMap<>();
        stack.services().values().stream()
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(service -> pids.put(service.name(), service.pid()));
        pids.put("kafka broker", stack.kafka().pid());
        pids.put("postgresql (all backends)", stack.postgres().pid());
        for (Map.Entry<String, Long> entry : pids.entrySet()) {
            if (entry.getValue() <= 0) {
                continue;
            }
            Memory.Usage usage = Memory.tree(entry.getValue());
            total = total.plus(usage);
            OUT.printf("| %s | %d | %,d | %,d |%n", entry.getKey(), usage.processes(), usage.rssKb(), usage.pssKb());
        }
        OUT.printf("| **total** | %d | %,d | **%,d** |%n", total.processes(), total.rssKb(), total.pssKb());
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
