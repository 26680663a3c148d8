package io.dbshift.executor.bench;

import io.dbshift.contracts.request.SchemaOperation;
import io.dbshift.executor.backfill.KeysetBackfill;
import io.dbshift.executor.reshape.Reshaper;
import io.dbshift.localstack.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * Two breaking changes under live traffic: rename {@code accounts.bid} to {@code branch_id} and change
 * {@code accounts.abalance} from int to bigint on a 1,000,000-row table, while pgbench runs an application's reads and
 * writes on it. Done once by dbshift's expand → backfill → switch → contract, with the application's statements
 * switched from the old script to the new one between the stages (both versions run side by side for a while, as in a
 * rolling deploy), and once naively ({@code ALTER COLUMN TYPE} and {@code RENAME} in one step each). Per stage: the
 * application's transactions, failed transactions, aborted clients, p50/p99 latency against the baseline and the longest
 * time one of its statements waited on a lock (from the server's {@code log_lock_waits}, logged after 10 ms). Prints
 * Markdown.
 *
 * <p>Run: {@code ./dbshift bench-expand-contract [--rows 1000000] [--clients 4] [--rate 1000] [--lock-timeout 500ms]};
 * with {@code --probe}, only how long the expand's lock stalls a reader and a writer, with no other load; with
 * {@code --cold}, without running the executor's code once on a small table first.
 */
public final class ExpandContractBenchmark {
    static final String DATABASE = "bench_reshape";

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(option(args, "--rows", "1000000"));
        int clients = Integer.parseInt(option(args, "--clients", "4"));
        int rate = Integer.parseInt(option(args, "--rate", "1000"));
        String lockTimeout = option(args, "--lock-timeout", "500ms");
        LocalPostgres postgres = LocalPostgres.shared();
        if (postgres.serverLog() == null) {
            throw new IllegalStateException("this benchmark reads the server's log for lock waits: run it on the"
                    + " throwaway cluster (unset DBSHIFT_PG_HOST)");
        }
        if (List.of(args).contains("--probe")) {
            probe(postgres, rows, lockTimeout);
            System.exit(0);
        }
        postgres.recreateDatabase(DATABASE);
        try (Connection c = postgres.connect(DATABASE);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts_seed AS SELECT g AS aid, (g - 1) / 100000 + 1 AS bid, 0 AS abalance,"
                    + " ''::char(84) AS filler FROM generate_series(1, " + rows + ") g");
            // Every application session logs a lock wait longer than 10 ms, with how long it waited.
            s.execute("ALTER DATABASE " + DATABASE + " SET log_lock_waits = on");
            s.execute("ALTER DATABASE " + DATABASE + " SET deadlock_timeout = '10ms'");
        }
        Path before = script(appScript(rows, "bid"));
        Path after = script(appScript(rows, "branch_id"));
        System.out.println("pgbench: " + clients + " clients at " + rate + " transactions/s; each transaction updates"
                + " one account's balance and branch and reads them back (" + rows + " accounts). dbshift's"
                + " lock_timeout: " + lockTimeout + ".\n");

        // The executor's own code runs once on a small table first, as in an executor that has served before: on a
        // 2-core machine a cold JVM's class loading and compiling would otherwise take the CPU the database and the
        // application need during the first expand (--probe's first run shows the cold case).
        if (!List.of(args).contains("--cold")) {
            warmUp(postgres, lockTimeout);
        }
        fresh(postgres);
        Pgbench baselineApp = Pgbench.start(postgres, before, clients, rate, "old");
        // A pgbench just started runs slower for its first seconds (its sessions fill their caches): every stage is
        // measured on an application that has settled, as a migration meets a running one.
        pause(SETTLE_SECONDS);
        Window baseline = new Window("baseline (old statements, nothing running beside)", now(), pause(20));
        baselineApp.close();

        fresh(postgres);
        List<Window> stages = new ArrayList<>();
        List<Pgbench> apps = new ArrayList<>();
        Reshaper reshaper =
                new Reshaper(lockTimeout, 10, Duration.ofMillis(100), new KeysetBackfill(lockTimeout, "60s"));
        SchemaOperation rename = SchemaOperation.renameColumn("accounts", "bid", "branch_id");
        SchemaOperation widen = SchemaOperation.changeType("accounts", "abalance", "bigint");
        String backfillFigures;
        StringBuilder ddl = new StringBuilder("dbshift's DDL, both operations: ");
        try (Connection c = postgres.connect(DATABASE)) {
            apps.add(Pgbench.start(postgres, before, clients, rate, "old"));
            pause(SETTLE_SECONDS);
            long t = now();
            long t0 = System.nanoTime();
            Map<String, SchemaOperation> both = new LinkedHashMap<>();
            both.put("bench/rename", rename);
            both.put("bench/widen", widen);
            reshaper.expandAll(c, both);
            ddl.append(String.format(Locale.ROOT, "expand %.0f ms", (System.nanoTime() - t0) / 1e6));
            // A DDL stage is short: its window runs on to 5 s, so that transactions it delayed count and its p99
            // rests on thousands of transactions, not on a few hundred.
            stages.add(new Window("expand (old statements)", t, until(t, 5)));
            t = now();
            var f1 = reshaper.backfill(c, () -> postgres.connect(DATABASE), "bench/rename", p -> {});
            var f2 = reshaper.backfill(c, () -> postgres.connect(DATABASE), "bench/widen", p -> {});
            backfillFigures = String.format(
                    Locale.ROOT,
                    "backfills: %,d rows in %.1f s and %,d rows in %.1f s",
                    f1.rowsUpdated(),
                    f1.durationMs() / 1e3,
                    f2.rowsUpdated(),
                    f2.durationMs() / 1e3);
            stages.add(new Window("backfill (old statements)", t, now()));
            t = now();
            t0 = System.nanoTime();
            reshaper.readyAll(c, List.of("bench/rename", "bench/widen"));
            ddl.append(String.format(Locale.ROOT, ", switch %.0f ms", (System.nanoTime() - t0) / 1e6));
            stages.add(new Window("switch (old statements)", t, until(t, 5)));
            t = now();
            // The deploy, rolling: for 5 s the traffic is split between the old version and the new one, then the
            // new one takes it all. Not dbshift's doing: what starting a version beside another costs here.
            apps.add(Pgbench.start(postgres, after, clients / 2, rate / 2, "new"));
            apps.add(Pgbench.start(postgres, before, clients / 2, rate / 2, "old"));
            apps.get(0).close();
            pause(5);
            apps.add(Pgbench.start(postgres, after, clients, rate, "new"));
            apps.get(1).close();
            apps.get(2).close();
            pause(SETTLE_SECONDS);
            stages.add(new Window(
                    "deploy (old and new side by side, half the traffic each, then the new alone)", t, now()));
            t = now();
            t0 = System.nanoTime();
            reshaper.contractAll(c, List.of("bench/rename", "bench/widen"));
            ddl.append(String.format(Locale.ROOT, ", contract %.0f ms", (System.nanoTime() - t0) / 1e6));
            stages.add(new Window("contract (new statements)", t, until(t, 5)));
            t = now();
            stages.add(new Window("after (new statements)", t, pause(10)));
        } finally {
            apps.forEach(Pgbench::close);
        }
        String checked = check(postgres);

        fresh(postgres);
        List<Window> naive = new ArrayList<>();
        List<Pgbench> naiveApps = new ArrayList<>();
        try (Connection c = postgres.connect(DATABASE);
                Statement s = c.createStatement()) {
            naiveApps.add(Pgbench.start(postgres, before, clients, rate, "old"));
            pause(5);
            long t = now();
            s.execute("ALTER TABLE accounts ALTER COLUMN abalance TYPE bigint");
            naive.add(new Window("ALTER COLUMN abalance TYPE bigint (old statements)", t, pause(5)));
            t = now();
            s.execute("ALTER TABLE accounts RENAME COLUMN bid TO branch_id");
            // The new version is deployed right after; until it runs, the old one's statements fail.
            pause(2);
            naiveApps.add(Pgbench.start(postgres, after, clients, rate, "new"));
            naive.add(new Window("RENAME COLUMN bid TO branch_id, then the new statements", t, pause(5)));
        } finally {
            naiveApps.forEach(Pgbench::close);
        }

        List<Pgbench> all = new ArrayList<>(apps);
        all.add(baselineApp);
        all.addAll(naiveApps);
        Map<Integer, Boolean> appPids = new LinkedHashMap<>();
        all.forEach(a -> a.pids().forEach(pid -> appPids.put(pid, true)));
        List<double[]> lockWaits = lockWaits(postgres.serverLog(), appPids.keySet());
        Stats base = Stats.of(List.of(baselineApp), baseline, lockWaits);
        System.out.println("| Stage | Seconds | App transactions | Failed | Aborted clients | p50 ms | p99 ms |"
                + " p99 / baseline | Longest lock wait ms |\n|---|---|---|---|---|---|---|---|---|");
        System.out.println(base.row(base));
        System.out.println("| **dbshift** | | | | | | | | |");
        for (Window w : stages) {
            System.out.println(Stats.of(apps, w, lockWaits).row(base));
        }
        System.out.println("| **naive** | | | | | | | | |");
        for (Window w : naive) {
            System.out.println(Stats.of(naiveApps, w, lockWaits).row(base));
        }
        System.out.println("\n" + ddl + "; " + backfillFigures + ". " + checked);
        System.out.println("\nWhere the slow transactions (over 2 x the baseline's p99) of each stage fell:");
        for (Window w : stages) {
            System.out.println("- " + slow(apps, w, 2 * base.p99()));
        }
        System.exit(0);
    }

    /** Every stage of both operations, then a rollback, on a 10,000-row copy: nothing runs beside it. */
    static void warmUp(LocalPostgres postgres, String lockTimeout) throws SQLException {
        try (Connection c = postgres.connect(DATABASE);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS warm");
            s.execute("CREATE TABLE warm AS SELECT * FROM accounts_seed LIMIT 10000");
            s.execute("ALTER TABLE warm ADD PRIMARY KEY (aid), ALTER bid SET NOT NULL, ALTER abalance SET NOT NULL");
            Reshaper reshaper =
                    new Reshaper(lockTimeout, 3, Duration.ofMillis(50), new KeysetBackfill(lockTimeout, "60s"));
            Map<String, SchemaOperation> both = new LinkedHashMap<>();
            both.put("warm/0", SchemaOperation.renameColumn("warm", "bid", "branch_id"));
            both.put("warm/1", SchemaOperation.changeType("warm", "abalance", "bigint"));
            reshaper.expandAll(c, both);
            for (String id : both.keySet()) {
                reshaper.backfill(c, null, id, p -> {});
            }
            reshaper.readyAll(c, List.copyOf(both.keySet()));
            reshaper.rollbackAll(c, "warm/");
            s.execute("DROP TABLE warm");
            s.execute("DELETE FROM " + Reshaper.STATE_TABLE);
        }
    }

    /**
     * How long the expand's table lock stalls a statement, apart from the load: one session reads a row in a loop (no
     * trigger fires), another updates one (the new triggers fire, and compile on their first run), while both
     * operations are expanded; the worst of each, six times on a fresh table.
     */
    static void probe(LocalPostgres postgres, int rows, String lockTimeout) throws Exception {
        System.out.println("| Run | expand ms | worst read ms | worst update ms |\n|---|---|---|---|");
        for (int run = 1; run <= 6; run++) {
            postgres.recreateDatabase(DATABASE);
            try (Connection c = postgres.connect(DATABASE);
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE accounts AS SELECT g AS aid, (g - 1) / 100000 + 1 AS bid, 0 AS abalance"
                        + " FROM generate_series(1, " + rows + ") g");
                s.execute("ALTER TABLE accounts ADD PRIMARY KEY (aid), ALTER bid SET NOT NULL, ALTER abalance SET"
                        + " NOT NULL");
                s.execute("CHECKPOINT");
            }
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicLong worstRead = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong worstUpdate = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.CountDownLatch looping = new java.util.concurrent.CountDownLatch(2);
            List<Thread> loops = List.of(
                    loop(postgres, "SELECT abalance FROM accounts WHERE aid = 9", stop, worstRead, looping),
                    loop(
                            postgres,
                            "UPDATE accounts SET abalance = abalance + 1 WHERE aid = 7",
                            stop,
                            worstUpdate,
                            looping));
            looping.await();
            worstRead.set(0);
            worstUpdate.set(0);
            long took;
            try (Connection c = postgres.connect(DATABASE)) {
                Reshaper reshaper =
                        new Reshaper(lockTimeout, 3, Duration.ofMillis(50), new KeysetBackfill(lockTimeout, "60s"));
                Map<String, SchemaOperation> both = new LinkedHashMap<>();
                both.put("probe/0", SchemaOperation.renameColumn("accounts", "bid", "branch_id"));
                both.put("probe/1", SchemaOperation.changeType("accounts", "abalance", "bigint"));
                long t = System.nanoTime();
                reshaper.expandAll(c, both);
                took = System.nanoTime() - t;
            }
            // Long enough after the commit for both loops to have run their next statements.
            until(now(), 1);
            stop.set(true);
            for (Thread t : loops) {
                t.join();
            }
            System.out.printf(
                    Locale.ROOT,
                    "| %d | %.1f | %.1f | %.1f |%n",
                    run,
                    took / 1e6,
                    worstRead.get() / 1e6,
                    worstUpdate.get() / 1e6);
        }
    }

    private static Thread loop(
            LocalPostgres postgres,
            String sql,
            java.util.concurrent.atomic.AtomicBoolean stop,
            java.util.concurrent.atomic.AtomicLong worst,
            java.util.concurrent.CountDownLatch looping) {
        Thread thread = new Thread(() -> {
            try (Connection c = postgres.connect(DATABASE);
                    Statement s = c.createStatement()) {
                for (int i = 0; !stop.get(); i++) {
                    long t = System.nanoTime();
                    s.execute(sql);
                    worst.accumulateAndGet(System.nanoTime() - t, Math::max);
                    if (i == 100) {
                        looping.countDown();
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        thread.start();
        return thread;
    }

    /** After dbshift's run: the final shape, and the sums the application could not have changed by renaming. */
    static String check(LocalPostgres postgres) throws SQLException {
        try (Connection c = postgres.connect(DATABASE);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod),"
                        + " ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attnum > 0"
                        + " AND NOT attisdropped")) {
            rs.next();
            return "The table after contract: " + rs.getString(1) + ".";
        }
    }

    /** How long a newly started application runs before a stage is measured on it. */
    static final int SETTLE_SECONDS = 5;

    /** A time window of the run, in epoch microseconds. */
    record Window(String name, long from, long to) {}

    /** One application run: pgbench with a per-transaction log, and its server process ids. */
    static final class Pgbench implements AutoCloseable {
        final Process process;
        final Path logs;
        final String name;
        Set<Integer> pids = new HashSet<>();
        List<long[]> transactions; // {completed at µs, latency µs or -1 when failed}
        /** When each aborted client's last transaction completed: it aborted on its next statement. */
        List<Long> abortedAfter = new ArrayList<>();

        private Pgbench(Process process, Path logs, String name) {
            this.process = process;
            this.logs = logs;
            this.name = name;
        }

        static Pgbench start(LocalPostgres postgres, Path script, int clients, int rate, String name) throws Exception {
            Set<Integer> known = pgbenchPids(postgres);
            Path logs = Files.createTempDirectory("dbshift-pgbench-" + name);
            List<String> command =
                    BackfillImpactBenchmark.pgbenchCommand(postgres, script, clients, rate, 3600, logs, DATABASE);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.redirectOutput(logs.resolve("out.txt").toFile());
            pb.environment().put("PGPASSWORD", postgres.password());
            Pgbench run = new Pgbench(pb.start(), logs, name);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                Set<Integer> now = pgbenchPids(postgres);
                now.removeAll(known);
                run.pids = now;
                return now.size() >= clients;
            });
            return run;
        }

        Set<Integer> pids() {
            return pids;
        }

        @Override
        public void close() {
            if (transactions != null) {
                return;
            }
            process.destroy(); // SIGTERM: pgbench stops and writes its logs
            try {
                process.waitFor();
                transactions = new ArrayList<>();
                Map<Integer, Long> last = new java.util.HashMap<>();
                for (BackfillImpactBenchmark.Logged t : BackfillImpactBenchmark.transactions(logs)) {
                    transactions.add(new long[] {t.atMicros(), t.latencyMicros()});
                    last.merge(t.client(), t.atMicros(), Math::max);
                }
                Pattern aborted = Pattern.compile("client (\\d+) script \\d+ aborted");
                for (String line : Files.readAllLines(logs.resolve("out.txt"))) {
                    Matcher m = aborted.matcher(line);
                    if (m.find()) {
                        // It aborted on the statement after its last completed transaction: within one schedule
                        // interval (4 ms at 250 transactions/s a client), counted 50 ms later to be on the safe side.
                        abortedAfter.add(last.getOrDefault(Integer.parseInt(m.group(1)), 0L) + 50_000);
                        System.err.println("pgbench (" + name + "): " + line.strip());
                    }
                }
                BackfillImpactBenchmark.deleteTree(logs);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** An application's figures over one window of the run. */
    record Stats(
            String name,
            double seconds,
            long transactions,
            long failed,
            int aborted,
            double p50,
            double p99,
            double longestLockWait) {
        static Stats of(List<Pgbench> apps, Window w, List<double[]> lockWaits) {
            List<Double> latencies = new ArrayList<>();
            long failed = 0;
            int aborted = 0;
            for (Pgbench app : apps) {
                app.close();
                aborted += (int) app.abortedAfter.stream()
                        .filter(at -> at >= w.from() && at <= w.to())
                        .count();
                for (long[] t : app.transactions) {
                    if (t[0] < w.from() || t[0] > w.to()) {
                        continue;
                    }
                    if (t[1] < 0) {
                        failed++;
                    } else {
                        latencies.add(t[1] / 1000.0);
                    }
                }
            }
            Collections.sort(latencies);
            double longest = 0;
            for (double[] wait : lockWaits) {
                if (wait[0] >= w.from() && wait[0] <= w.to()) {
                    longest = Math.max(longest, wait[1]);
                }
            }
            return new Stats(
                    w.name(),
                    (w.to() - w.from()) / 1e6,
                    latencies.size(),
                    failed,
                    aborted,
                    BackfillImpactBenchmark.percentile(latencies, 0.50),
                    BackfillImpactBenchmark.percentile(latencies, 0.99),
                    longest);
        }

        String row(Stats baseline) {
            return String.format(
                    Locale.ROOT,
                    "| %s | %.1f | %d | %d | %d | %.2f | %.2f | %.2f | %s |",
                    name,
                    seconds,
                    transactions,
                    failed,
                    aborted,
                    p50,
                    p99,
                    p99 / baseline.p99,
                    longestLockWait == 0 ? "none over 10" : String.format(Locale.ROOT, "%.0f", longestLockWait));
        }
    }

    /**
     * How many of a window's transactions took longer than {@code thresholdMs}, and how many of those completed in its
     * first second: for a DDL stage, the ones its lock delayed; the rest are the load's own noise.
     */
    static String slow(List<Pgbench> apps, Window w, double thresholdMs) {
        long over = 0;
        long early = 0;
        double worst = 0;
        for (Pgbench app : apps) {
            app.close();
            for (long[] t : app.transactions) {
                if (t[0] < w.from() || t[0] > w.to() || t[1] / 1000.0 <= thresholdMs) {
                    continue;
                }
                over++;
                worst = Math.max(worst, t[1] / 1000.0);
                if (t[0] - w.from() <= 1_000_000) {
                    early++;
                }
            }
        }
        return String.format(
                Locale.ROOT,
                "%s: %d over %.2f ms, %d of them in its first second; the slowest %.1f ms",
                w.name(),
                over,
                thresholdMs,
                early,
                worst);
    }

    private static final Pattern ACQUIRED = Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) (\\S+) \\[\\d+\\] LOG:  process (\\d+) acquired .* after"
                    + " ([\\d.]+) ms");

    /** Every lock wait of an application session the server logged: {when it ended in epoch µs, ms waited}. */
    static List<double[]> lockWaits(Path serverLog, Set<Integer> pids) throws Exception {
        List<double[]> waits = new ArrayList<>();
        DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
        for (String line : Files.readAllLines(serverLog)) {
            Matcher m = ACQUIRED.matcher(line);
            if (m.find() && pids.contains(Integer.parseInt(m.group(3)))) {
                ZoneId zone = ZoneId.of(m.group(2).equals("UTC") ? "UTC" : m.group(2));
                long micros = LocalDateTime.parse(m.group(1), format)
                                .atZone(zone)
                                .toInstant()
                                .toEpochMilli()
                        * 1000;
                waits.add(new double[] {micros, Double.parseDouble(m.group(4))});
            }
        }
        return waits;
    }

    static void fresh(LocalPostgres postgres) throws SQLException {
        try (Connection c = postgres.connect(DATABASE);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS accounts");
            s.execute("DROP TABLE IF EXISTS " + Reshaper.STATE_TABLE);
            s.execute("DROP TABLE IF EXISTS " + KeysetBackfill.STATE_TABLE);
            s.execute("CREATE TABLE accounts AS SELECT * FROM accounts_seed");
            s.execute("ALTER TABLE accounts ADD PRIMARY KEY (aid)");
            s.execute("ALTER TABLE accounts ALTER COLUMN bid SET NOT NULL");
            s.execute("ALTER TABLE accounts ALTER COLUMN abalance SET NOT NULL");
            s.execute("ALTER TABLE accounts ALTER COLUMN abalance SET DEFAULT 0");
            s.execute("VACUUM ANALYZE accounts");
            s.execute("CHECKPOINT");
        }
    }

    static Set<Integer> pgbenchPids(LocalPostgres postgres) throws SQLException {
        Set<Integer> pids = new HashSet<>();
        try (Connection c = postgres.connect(DATABASE);
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT pid FROM pg_stat_activity WHERE application_name = 'pgbench'")) {
            while (rs.next()) {
                pids.add(rs.getInt(1));
            }
        }
        return pids;
    }

    /** The application's transaction, as its version before the rename ({@code bid}) or after it writes it. */
    static String appScript(int rows, String branchColumn) {
        return """
                \\set aid random(1, %d)
                \\set delta random(-5000, 5000)
                \\set bid random(1, 10)
                BEGIN;
                UPDATE accounts SET abalance = abalance + :delta, %s = :bid WHERE aid = :aid;
                SELECT abalance, %s FROM accounts WHERE aid = :aid;
                END;
                """.formatted(rows, branchColumn, branchColumn);
    }

    static Path script(String text) throws Exception {
        Path script = Files.createTempFile("dbshift-app", ".sql");
        script.toFile().deleteOnExit();
        Files.writeString(script, text);
        return script;
    }

    static long now() {
        return System.currentTimeMillis() * 1000;
    }

    /** Waits until {@code seconds} after {@code from} (epoch µs), at once if that has passed; returns the time. */
    static long until(long from, int seconds) throws InterruptedException {
        long wait = from / 1000 + seconds * 1000L - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        return now();
    }

    /** Waits for the application to run on, and returns the time it ends. */
    static long pause(int seconds) throws InterruptedException {
        Thread.sleep(seconds * 1000L);
        return now();
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
