package io.dbshift.executor.bench;

import io.dbshift.contracts.request.BackfillSpec;
import io.dbshift.contracts.result.BackfillCompleted.BackfillFigures;
import io.dbshift.executor.backfill.KeysetBackfill;
import io.dbshift.localstack.LocalPostgres;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.sql.Connection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether the engine's memory stays flat whatever the table's size: the same backfill, by SQL expression and by Java
 * transformer, on tables ten and thirty times apart, with the executor's heap live set (measured right after a full
 * collection, every 200 ms) recorded at its peak. Prints Markdown.
 *
 * <p>Run: {@code ./dbshift bench-backfill-memory [--rows 100000,1000000,3000000]}.
 */
public final class BackfillMemoryBenchmark {
    public static void main(String[] args) throws Exception {
        List<Integer> sizes = java.util.Arrays.stream(
                        option(args, "--rows", "100000,1000000,3000000").split(","))
                .map(String::strip)
                .map(Integer::valueOf)
                .toList();
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.recreateDatabase("bench_backfill");
        System.out.println(
                "Heap: max " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB; live set after a full"
                        + " collection, sampled every 200 ms; before = the same right before the backfill\n");
        System.out.println("| Rows | Way | Batches | Rows/s | Live heap before, MB | Peak live heap during, MB |");
        System.out.println("|---|---|---|---|---|---|");
        for (int rows : sizes) {
            try (Connection c = postgres.connect("bench_backfill")) {
                c.createStatement().execute("DROP TABLE IF EXISTS users_seed");
                c.createStatement()
                        .execute("CREATE TABLE users_seed AS SELECT g::bigint AS id, 'User' || g || '@Example.com ' AS"
                                + " email, NULL::text AS avatar_url FROM generate_series(1, " + rows + ") g");
            }
            for (String way : List.of("SQL expression", "Java transformer")) {
                BackfillBenchmark.fresh(postgres);
                BackfillSpec spec = way.startsWith("SQL")
                        ? new BackfillSpec(
                                "users",
                                "id",
                                "avatar_url = " + BackfillBenchmark.EXPRESSION,
                                "avatar_url IS NULL",
                                null)
                        : new BackfillSpec(
                                "users",
                                "id",
                                null,
                                "avatar_url IS NULL",
                                null,
                                null,
                                null,
                                "gravatar",
                                List.of("email"));
                long before = liveHeap();
                AtomicLong peak = new AtomicLong(before);
                java.util.concurrent.ScheduledExecutorService sampler =
                        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
                try (Connection c = postgres.connect("bench_backfill")) {
                    // The live heap five times a second while the backfill runs.
                    sampler.scheduleAtFixedRate(
                            () -> peak.accumulateAndGet(liveHeap(), Math::max),
                            0,
                            200,
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                    long t0 = System.nanoTime();
                    BackfillFigures f = new KeysetBackfill("2s", "60s").run(c, "memory/" + rows, spec, p -> {});
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    sampler.shutdown();
                    sampler.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
                    BackfillBenchmark.check(c, rows);
                    System.out.printf(
                            Locale.ROOT,
                            "| %,d | %s | %d | %,.0f | %.1f | %.1f |%n",
                            rows,
                            way,
                            f.batches(),
                            rows / seconds,
                            before / 1048576.0,
                            peak.get() / 1048576.0);
                }
            }
        }
        System.exit(0);
    }

    /** Heap in use right after a full collection: what the program holds, not garbage waiting to be collected. */
    static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
