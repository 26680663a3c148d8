package io.dbshift.executor.bench;

import io.dbshift.contracts.request.BackfillSpec;
import io.dbshift.contracts.result.BackfillCompleted.BackfillFigures;
import io.dbshift.executor.backfill.KeysetBackfill;
import io.dbshift.localstack.LocalPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a backfill costs the application: pgbench runs reads and writes of single users by id on the table being
 * backfilled while the backfill runs, then alone for as long, and the application's p50/p99 latency and failed
 * transactions are compared. Done once with dbshift's default settings and once with a rate that takes batches back to back at the
 * database's full speed, to show what the throttle gives up and what it buys. Prints Markdown.
 *
 * <p>Run: {@code ./dbshift bench-backfill-impact [--rows 1000000] [--clients 4] [--rate 1500] [--only defaults|nothrottle|alone|changed]
 * [--seconds S]
 * [--repeat N] [--after] [--turns S] [--threads N] [--warm-up S]}. With {@code --turns S} the default backfill runs in turns of S seconds, with S
 * seconds of the application alone between them: a baseline from the same minutes. With {@code --after} the application
 * also runs on the table the backfill left, then on the same table vacuumed; {@code --only changed} runs no backfill, but
 * the application on a fresh table and then on one made with every row already changed: what the change's data costs it.
 */
public final class BackfillImpactBenchmark {
    /** How many seconds of its schedule the application commits before its transactions are counted. */
    static final int SETTLE_SECONDS = 2;

    /** pgbench's threads (-j). */
    static int threads = 2;

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(option(args, "--rows", "1000000"));
        int clients = Integer.parseInt(option(args, "--clients", "4"));
        // An application at a steady rate, as one is, not one driving the database flat out: pgbench -R, whose
        // latencies
        // include any lag behind its schedule. 0 runs flat out.
        int rate = Integer.parseInt(option(args, "--rate", "1500"));
        // --threads N: pgbench's threads (its -j); 2 by default, two clients each. As many as clients gives every
        // client a thread of its own, as an application with a thread per connection has.
        threads = Integer.parseInt(option(args, "--threads", "2"));
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.recreateDatabase("bench_backfill");
        try (Connection c = postgres.connect("bench_backfill")) {
            c.createStatement()
                    .execute(
                            "CREATE TABLE users_seed AS SELECT g::bigint AS id, 'User' || g || '@Example.com ' AS email,"
                                    + " NULL::text AS avatar_url FROM generate_series(1, " + rows + ") g");
            // Vacuumed now, so that autovacuum does not come to the new table during a measured window.
            c.createStatement().execute("VACUUM ANALYZE users_seed");
        }
        Path script = Files.createTempFile("dbshift-app", ".sql");
        script.toFile().deleteOnExit();
        Files.writeString(script, """
                \\set id random(1, %d)
                BEGIN;
                SELECT email, avatar_url FROM users WHERE id = :id;
                UPDATE users SET email = email WHERE id = :id;
                END;
                """.formatted(rows));
        System.out.println("pgbench: " + clients + " clients on " + threads + " threads, "
                + (rate > 0 ? rate + " transactions/s" : "flat out")
                + ", each transaction reads a user by id and writes it back (" + rows + " users)\n");
        System.out.println("| Run | Backfill | Backfill rows/s | App transactions | Failed | p50 ms | p99 ms |"
                + " p99 / baseline |\n|---|---|---|---|---|---|---|---|");
        // --only defaults|nothrottle runs one of the two, --only alone no backfill at all (below); --repeat N runs each
        // N times (the machine is noisy).
        String only = option(args, "--only", "");
        int repeat = Integer.parseInt(option(args, "--repeat", "1"));
        // --after also measures the application on the table the backfill left, nothing running beside it.
        boolean measureAfter = List.of(args).contains("--after");
        // --turns S runs the default backfill in turns of S seconds with S seconds of nothing between them, and
        // compares
        // the application in the turns with the application between them.
        int turns = Integer.parseInt(option(args, "--turns", "0"));
        // The application alone for a while, not counted, before the first window. Without it, the first of two
        // windows of the application alone had a p99 of 1,721 ms against 7.49 ms for the second (docs/benchmarks.md):
        // the first window after the table was made is not like the others, and it would always be the backfill's.
        int warmUp = Integer.parseInt(option(args, "--warm-up", "30"));
        if (warmUp > 0) {
            BackfillBenchmark.fresh(postgres);
            Load first = pgbench(postgres, script, clients, rate, warmUp, null);
            System.err.printf(
                    Locale.ROOT,
                    "warm-up, not counted: %d s, p99 %.2f ms, p99.9 %.2f ms%n",
                    warmUp,
                    first.p99(),
                    first.p999());
        }
        if (only.equals("alone") || only.equals("changed")) {
            // No backfill at all: the application alone twice, each --seconds long on a fresh copy of the table, the
            // second against the first as a backfill's window against its baseline. How far two baselines differ on
            // this machine is the noise a backfill's ratio is read in. With "changed", the second copy is made with
            // every row already holding what the backfill writes: what the change's data itself costs the application,
            // which no brake on the backfill can spare it.
            boolean changed = only.equals("changed");
            int seconds = Integer.parseInt(option(args, "--seconds", "190"));
            for (int i = 0; i < repeat; i++) {
                BackfillBenchmark.fresh(postgres);
                Load first = pgbench(postgres, script, clients, rate, seconds, null);
                // Made that way rather than updated: every row with its avatar_url, the pages packed, no dead row
                // versions.
                BackfillBenchmark.fresh(
                        postgres, changed ? "id, email, " + BackfillBenchmark.EXPRESSION + " AS avatar_url" : "*");
                Load second = pgbench(postgres, script, clients, rate, seconds, null);
                printRun(
                        changed ? "the table before and after the change, no backfill" : "alone, twice",
                        "none, the first " + seconds + " s",
                        first,
                        changed ? "none, the table made with every avatar_url already set" : "none, the second",
                        0,
                        second);
            }
            System.exit(0);
        }
        List<String[]> runs = new ArrayList<>();
        for (int i = 0; i < repeat; i++) {
            for (String[] run :
                    List.of(new String[] {"defaults", ""}, new String[] {"full speed, no throttle", "nothrottle"})) {
                if (only.isEmpty() || only.equals(run[1].isEmpty() ? "defaults" : run[1])) {
                    runs.add(run);
                }
            }
        }
        for (String[] run : runs) {
            BackfillBenchmark.fresh(postgres);
            if (turns > 0 && run[1].isEmpty()) {
                printTurns(pgbench(postgres, script, clients, rate, 0, () -> inTurns(postgres, turns)));
                continue;
            }
            Load during = pgbench(postgres, script, clients, rate, 0, () -> backfill(postgres, run[1].isEmpty()));
            int seconds = (int) Math.max(10, Math.ceil(during.seconds()));
            // The same load on the table the backfill left (every row updated, nothing running beside it): what the
            // application pays for the table's new state, which no throttle can spare it.
            Load after = measureAfter ? pgbench(postgres, script, clients, rate, seconds, null) : null;
            // And once the dead row versions it left are vacuumed away (and a checkpoint, as before every window): what
            // of that is the cleaning up still owed, and what the table's new layout.
            Load vacuumed = null;
            if (measureAfter) {
                try (Connection c = postgres.connect("bench_backfill");
                        java.sql.Statement s = c.createStatement()) {
                    s.execute("VACUUM ANALYZE users");
                    s.execute("CHECKPOINT");
                }
                vacuumed = pgbench(postgres, script, clients, rate, seconds, null);
            }
            // The baseline as long as the backfill ran: a p99 over 100 s meets rarer stalls than one over 10 s.
            BackfillBenchmark.fresh(postgres);
            Load baseline = pgbench(postgres, script, clients, rate, seconds, null);
            printRun(
                    run[0],
                    String.format(Locale.ROOT, "none, %.0f s", baseline.seconds()),
                    baseline,
                    during.backfill(),
                    during.rowsPerSecond(),
                    during);
            if (after == null) {
                continue;
            }
            printAfter(run[0], "after it", after, baseline);
            printAfter(run[0], "after it, vacuumed", vacuumed, baseline);
        }
        System.exit(0);
    }

    /** The application on the table the backfill left, against the baseline, and where its slow ones fell. */
    static void printAfter(String run, String label, Load after, Load baseline) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %s, none, %.0f s | | %d | %d | %.2f | %.2f | %.2f |%n",
                run,
                label,
                after.seconds(),
                after.transactions(),
                after.failed(),
                after.p50(),
                after.p99(),
                after.p99() / baseline.p99());
        System.out.println("| | " + label + ": " + background(after, 2 * baseline.p99()) + " | | | | | | |");
    }

    /**
     * The application in the backfill's turns against the application between them. The first second after each switch
     * is left out of both: the backfill starting again, or what its last batch left behind.
     */
    static void printTurns(Load whole) {
        List<long[]> running = new ArrayList<>();
        List<long[]> alone = new ArrayList<>();
        List<long[]> turns = whole.turns();
        for (int i = 0; i < turns.size(); i++) {
            running.add(new long[] {turns.get(i)[0] + 1_000_000, turns.get(i)[1]});
            if (i + 1 < turns.size()) {
                alone.add(new long[] {turns.get(i)[1] + 1_000_000, turns.get(i + 1)[0]});
            }
        }
        running.removeIf(w -> w[1] <= w[0]);
        Load during = within(whole, running, whole.backfill());
        Load between = within(whole, alone, "none");
        printRun(
                "defaults, in turns",
                String.format(Locale.ROOT, "none, between the turns, %.0f s", between.seconds()),
                between,
                whole.backfill(),
                whole.rowsPerSecond(),
                during);
    }

    /** A baseline's row, the backfill's row with its p99 over the baseline's, and where each one's slow ones fell. */
    static void printRun(
            String run, String baselineLabel, Load baseline, String backfill, double rowsPerSecond, Load during) {
        System.out.printf(
                Locale.ROOT,
                "| %s | baseline: %s | | %d | %d | %.2f | %.2f | |%n",
                run,
                baselineLabel,
                baseline.transactions(),
                baseline.failed(),
                baseline.p50(),
                baseline.p99());
        System.out.printf(
                Locale.ROOT,
                "| %s | %s | %,.0f | %d | %d | %.2f | %.2f | %.2f |%n",
                run,
                backfill,
                rowsPerSecond,
                during.transactions(),
                during.failed(),
                during.p50(),
                during.p99(),
                during.p99() / baseline.p99());
        System.out.println("| | " + background(during, 2 * baseline.p99()) + " | | | | | | |");
        System.out.println("| | baseline: " + background(baseline, 2 * baseline.p99()) + " | | | | | | |");
    }

    record Load(
            long transactions,
            long failed,
            double p50,
            double p99,
            double p999,
            String backfill,
            double rowsPerSecond,
            double seconds,
            List<double[]> timed,
            List<Long> failedAt,
            List<long[]> samples,
            double coresBusy,
            List<long[]> turns,
            List<Waits> waits) {}

    /**
     * What the application's sessions were doing at one look (epoch µs): how many of them in each state and wait event of
     * pg_stat_activity.
     */
    record Waits(long atMicros, java.util.Map<String, Integer> sessions) {
        static List<Waits> within(List<Waits> all, List<long[]> windows) {
            return all.stream()
                    .filter(w -> BackfillImpactBenchmark.within(w.atMicros(), windows))
                    .toList();
        }
    }

    /**
     * What else the server did while the application ran: autovacuum on the database, the checkpointer writing (its
     * count of buffers written, in pg_stat_bgwriter, moving), and a new write-ahead log segment being made (a file
     * more in pg_wal, or one being filled with zeros, {@code xlogtemp.*}: every commit waits while it is written).
     * Sampled every 100 ms as {epoch µs, autovacuum workers, buffers the checkpointer had written so far, the
     * machine's jiffies so far, its idle ones, WAL segment files, segment files being made, and the busiest disk's
     * counters of {@link #disk()}}: the machine's busy cores over any part of the window follow from them.
     */
    static final class Background implements AutoCloseable {
        /** Where each figure stands in a sample. */
        static final int AT = 0, AUTOVACUUM = 1, CHECKPOINTED = 2, JIFFIES = 3, IDLE = 4, SEGMENTS = 5, MAKING = 6;

        /** The disk's counters start here, in the order of {@link #disk()}. */
        static final int DISK = 7,
                DISK_SECTORS = 7,
                DISK_WRITES = 8,
                DISK_WRITE_MS = 9,
                DISK_FLUSHES = 10,
                DISK_FLUSH_MS = 11;

        /**
         * Microseconds some task on the machine waited for a core, so far (the kernel's pressure stall information,
         * /proc/pressure/cpu; 0 where the kernel has none), and milliseconds this JVM, the backfill's, spent collecting
         * garbage so far.
         */
        static final int CPU_WAITED = 12, GC_MS = 13;

        final List<long[]> samples = Collections.synchronizedList(new ArrayList<>());
        final List<Waits> waits = Collections.synchronizedList(new ArrayList<>());
        private final Connection connection;
        private final java.sql.PreparedStatement query;
        // Where the application's sessions are: on a core or waiting for one ("active", no wait event), waiting for
        // pgbench's next statement inside a transaction, or waiting on the server (a flush of the write-ahead log, a
        // lock, a buffer).
        private final java.sql.PreparedStatement sessions;
        private final java.util.concurrent.ScheduledExecutorService every100ms =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "bench-background");
                    t.setDaemon(true);
                    return t;
                });

        Background(LocalPostgres postgres) throws java.sql.SQLException {
            connection = postgres.connect("bench_backfill");
            query = connection.prepareStatement("SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type ="
                    + " 'autovacuum worker' AND datname = current_database()), (SELECT buffers_checkpoint FROM"
                    + " pg_stat_bgwriter), count(*) FILTER (WHERE name NOT LIKE 'xlogtemp%'),"
                    + " count(*) FILTER (WHERE name LIKE 'xlogtemp%') FROM pg_ls_waldir()");
            sessions = connection.prepareStatement(
                    "SELECT coalesce(state, 'starting') || coalesce(' / ' || wait_event_type || ':' ||"
                            + " wait_event, ''), count(*) FROM pg_stat_activity WHERE application_name = 'pgbench' GROUP BY 1");
            every100ms.scheduleAtFixedRate(this::sample, 0, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        private void sample() {
            try (java.sql.ResultSet rs = query.executeQuery()) {
                rs.next();
                long[] cpu = cpu();
                long[] sample = new long[GC_MS + 1];
                sample[AT] = System.currentTimeMillis() * 1000;
                sample[AUTOVACUUM] = rs.getLong(1);
                sample[CHECKPOINTED] = rs.getLong(2);
                sample[JIFFIES] = cpu[0];
                sample[IDLE] = cpu[1];
                sample[SEGMENTS] = rs.getLong(3);
                sample[MAKING] = rs.getLong(4);
                System.arraycopy(disk(), 0, sample, DISK, 5);
                sample[CPU_WAITED] = cpuWaited();
                sample[GC_MS] = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .mapToLong(gc -> Math.max(0, gc.getCollectionTime()))
                        .sum();
                samples.add(sample);
                java.util.Map<String, Integer> now = new java.util.TreeMap<>();
                try (java.sql.ResultSet w = sessions.executeQuery()) {
                    while (w.next()) {
                        now.put(w.getString(1), w.getInt(2));
                    }
                }
                waits.add(new Waits(sample[AT], now));
            } catch (java.sql.SQLException | RuntimeException e) {
                // printed: an exception ends a fixed-rate schedule silently
                System.err.println("background sampling stopped: " + e);
                throw new IllegalStateException(e); // ends the schedule
            }
        }

        @Override
        public void close() throws Exception {
            every100ms.shutdown();
            every100ms.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
            query.close();
            sessions.close();
            connection.close();
        }

        /** The machine's busy cores on average over the parts of the samples' span that lie within {@code windows}. */
        static double coresBusy(List<long[]> samples, List<long[]> windows) {
            double total = 0;
            double idle = 0;
            for (int i = 1; i < samples.size(); i++) {
                long[] a = samples.get(i - 1);
                long[] b = samples.get(i);
                if (within(a[AT], windows) && within(b[AT], windows)) {
                    total += b[JIFFIES] - a[JIFFIES];
                    idle += b[IDLE] - a[IDLE];
                }
            }
            return total == 0 ? Double.NaN : Runtime.getRuntime().availableProcessors() * (1 - idle / total);
        }

        /**
         * The busiest disk's counters so far, from /proc/diskstats: {sectors written, writes, ms spent writing, flushes
         * (an fsync reaches the disk as one), ms spent flushing}; zeros where the kernel does not say.
         */
        private static long[] disk() {
            long[] busiest = new long[5];
            try {
                for (String line : Files.readAllLines(Path.of("/proc/diskstats"))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 14 || f[2].startsWith("loop") || f[2].startsWith("ram")) {
                        continue;
                    }
                    long sectors = Long.parseLong(f[9]);
                    if (sectors > busiest[0]) {
                        boolean flushes = f.length >= 20;
                        busiest = new long[] {
                            sectors,
                            Long.parseLong(f[7]),
                            Long.parseLong(f[10]),
                            flushes ? Long.parseLong(f[18]) : 0,
                            flushes ? Long.parseLong(f[19]) : 0
                        };
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no disk figures on this machine
            }
            return busiest;
        }

        /** Microseconds some task waited for a core so far: the "some" line's total in /proc/pressure/cpu. */
        private static long cpuWaited() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/pressure/cpu"))) {
                    if (line.startsWith("some ")) {
                        return Long.parseLong(
                                line.substring(line.indexOf("total=") + 6).trim());
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no pressure stall information on this kernel
            }
            return 0;
        }

        /** {all jiffies, idle and iowait jiffies} of the machine so far. */
        private static long[] cpu() {
            try {
                String[] f =
                        Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < f.length; i++) {
                    total += Long.parseLong(f[i]);
                }
                return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
            } catch (IOException | RuntimeException e) {
                return new long[] {0, 0};
            }
        }
    }

    /**
     * Where a window's slow transactions fell: while autovacuum worked on the database, while the checkpointer wrote
     * buffers, while a new write-ahead log segment was made, or none of these. Each transaction is placed by the sample
     * taken just after it ended.
     */
    static String background(Load load, double thresholdMs) {
        List<long[]> samples = load.samples();
        int[] slow = new int[4];
        int[] all = new int[4];
        // not exclusive of the kinds above: {slow, all} while this JVM collected garbage
        int[] collected = new int[2];
        java.util.BitSet placed = new java.util.BitSet();
        int s = 0;
        List<double[]> slowOnes = new ArrayList<>();
        for (double[] t : samples.isEmpty() ? List.<double[]>of() : load.timed()) {
            while (s < samples.size() - 1 && samples.get(s)[0] < t[0]) {
                s++;
            }
            long[] at = samples.get(s);
            boolean vacuum = at[Background.AUTOVACUUM] > 0;
            boolean checkpoint = s > 0 && at[Background.CHECKPOINTED] > samples.get(s - 1)[Background.CHECKPOINTED];
            boolean segment = at[Background.MAKING] > 0
                    || s > 0 && at[Background.SEGMENTS] > samples.get(s - 1)[Background.SEGMENTS];
            placed.set(s);
            int kind = vacuum ? 0 : checkpoint ? 1 : segment ? 2 : 3;
            all[kind]++;
            boolean gc = s > 0 && at[Background.GC_MS] > samples.get(s - 1)[Background.GC_MS];
            collected[1] += gc ? 1 : 0;
            if (t[1] > thresholdMs) {
                slow[kind]++;
                slowOnes.add(t);
                collected[0] += gc ? 1 : 0;
            }
        }
        // A stall every session shares (a flush of the write-ahead log, the disk) ends several slow transactions
        // together. So does a pgbench thread kept from its core, with its clients: a stall of the server or the machine
        // holds clients of several threads, a thread kept from its core only its own.
        int together = 0;
        int stalls = 0;
        int severalThreads = 0;
        int threadsSeen = 0;
        for (int i = 0; i < slowOnes.size(); i++) {
            boolean before = i > 0 && slowOnes.get(i)[0] - slowOnes.get(i - 1)[0] <= 1_000;
            boolean after = i + 1 < slowOnes.size() && slowOnes.get(i + 1)[0] - slowOnes.get(i)[0] <= 1_000;
            if (before || after) {
                together++;
            }
            if (!before) {
                threadsSeen = 0;
            }
            threadsSeen |= 1 << (int) slowOnes.get(i)[2];
            if (!after) {
                stalls++;
                severalThreads += Integer.bitCount(threadsSeen) > 1 ? 1 : 0;
            }
        }
        // When they fell: spread over the window, or bunched in a few of its seconds.
        String bunched = "";
        if (!slowOnes.isEmpty()) {
            long start = (long) load.timed().get(0)[0];
            java.util.Map<Long, Integer> perSecond = new java.util.TreeMap<>();
            for (double[] t : slowOnes) {
                perSecond.merge(((long) t[0] - start) / 1_000_000, 1, Integer::sum);
            }
            List<java.util.Map.Entry<Long, Integer>> worst = perSecond.entrySet().stream()
                    .sorted(java.util.Map.Entry.<Long, Integer>comparingByValue()
                            .reversed())
                    .limit(5)
                    .toList();
            bunched = String.format(
                    Locale.ROOT,
                    "; slow ones in %d of the window's %.0f seconds, %d in its worst five (%s)",
                    perSecond.size(),
                    load.seconds(),
                    worst.stream().mapToInt(java.util.Map.Entry::getValue).sum(),
                    String.join(
                            ", ",
                            worst.stream()
                                    .map(e -> "+" + e.getKey() + " s: " + e.getValue())
                                    .toList()));
            // Early or late in the window: a cost that follows the rows already changed grows towards its end, one that
            // follows the batches' rate does not.
            long end = (long) load.timed().get(load.timed().size() - 1)[0];
            int[] tenths = new int[10];
            for (double[] t : slowOnes) {
                tenths[(int) Math.min(9, ((long) t[0] - start) * 10 / Math.max(1, end - start))]++;
            }
            bunched += "; by tenth of the window: " + Arrays.toString(tenths);
        }
        // The disk over the same intervals: what was written, and how long a write and a flush took on average.
        // an interval ends at every placed sample but the first; samples are 100 ms apart
        double seconds =
                Math.max(0.1, placed.get(1, Math.max(1, samples.size())).cardinality() / 10.0);
        long writes = grown(samples, placed, Background.DISK_WRITES);
        long flushes = grown(samples, placed, Background.DISK_FLUSHES);
        String diskFigures = String.format(
                Locale.ROOT,
                "disk: %.1f MB/s written, %.0f writes/s at %.2f ms, %.0f flushes/s at %.2f ms",
                grown(samples, placed, Background.DISK_SECTORS) * 512 / 1e6 / seconds,
                writes / seconds,
                writes == 0 ? 0 : (double) grown(samples, placed, Background.DISK_WRITE_MS) / writes,
                flushes / seconds,
                flushes == 0 ? 0 : (double) grown(samples, placed, Background.DISK_FLUSH_MS) / flushes);
        String cpuFigures = String.format(
                Locale.ROOT,
                "tasks waited for a core %.0f ms a second; this JVM collected garbage %.1f ms a second (%d slow ones"
                        + " and %d in all ended while it did)",
                grown(samples, placed, Background.CPU_WAITED) / 1e3 / seconds,
                grown(samples, placed, Background.GC_MS) / seconds,
                collected[0],
                collected[1]);
        return diskFigures + "; " + cpuFigures + "; " + sessions(load.waits()) + "; "
                + String.format(
                        Locale.ROOT,
                        "p99.9 %.2f ms; %.2f cores busy; over %.2f ms: %d of %d while autovacuum ran, %d of %d while the checkpointer wrote,"
                                + " %d of %d while a WAL segment was made (%d made), %d of %d otherwise;"
                                + " %d of them ended within 1 ms of another; %d stalls (slow ones more than 1 ms"
                                + " apart), %d of them holding clients of more than one of pgbench's threads",
                        load.p999(),
                        load.coresBusy(),
                        thresholdMs,
                        slow[0],
                        all[0],
                        slow[1],
                        all[1],
                        slow[2],
                        all[2],
                        grown(samples, placed, Background.SEGMENTS),
                        slow[3],
                        all[3],
                        together,
                        stalls,
                        severalThreads)
                + bunched;
    }

    /** The application's sessions over the window's looks: the share of them in each state and wait, most first. */
    static String sessions(List<Waits> waits) {
        java.util.Map<String, Long> total = new java.util.TreeMap<>();
        waits.forEach(w -> w.sessions().forEach((k, v) -> total.merge(k, (long) v, Long::sum)));
        long all = total.values().stream().mapToLong(Long::longValue).sum();
        if (all == 0) {
            return "the application's sessions not sampled";
        }
        return "the application's sessions, " + waits.size() + " looks: "
                + String.join(
                        ", ",
                        total.entrySet().stream()
                                .sorted(java.util.Map.Entry.<String, Long>comparingByValue()
                                        .reversed())
                                .map(e ->
                                        String.format(Locale.ROOT, "%s %.1f%%", e.getKey(), 100.0 * e.getValue() / all))
                                .toList());
    }

    /**
     * How much a sampled figure grew over the intervals that end at the given samples: WAL segment files made anew (not
     * recycled), or a disk counter.
     */
    static long grown(List<long[]> samples, java.util.BitSet intervals, int column) {
        long grown = 0;
        for (int i = intervals.nextSetBit(1); i >= 0; i = intervals.nextSetBit(i + 1)) {
            grown += Math.max(0, samples.get(i)[column] - samples.get(i - 1)[column]);
        }
        return grown;
    }

    /** @param turns when the backfill ran, {from, to} in epoch µs, when it ran in turns; empty when it ran through */
    record Backfilled(String description, double rowsPerSecond, long startMicros, long endMicros, List<long[]> turns) {}

    interface Work {
        Backfilled run() throws Exception;
    }

    static Backfilled backfill(LocalPostgres postgres, boolean defaults) throws Exception {
        BackfillSpec spec = defaults
                ? new BackfillSpec("users", "id", "avatar_url = " + BackfillBenchmark.EXPRESSION, null, null)
                : new BackfillSpec(
                        "users", "id", "avatar_url = " + BackfillBenchmark.EXPRESSION, null, 50_000, null, null);
        try (Connection c = postgres.connect("bench_backfill")) {
            long start = System.currentTimeMillis() * 1000;
            long t0 = System.nanoTime();
            KeysetBackfill engine = defaults
                    ? new KeysetBackfill("2s", "60s")
                    : new KeysetBackfill(
                            "2s",
                            "60s",
                            KeysetBackfill.Health.NONE,
                            io.dbshift.executor.backfill.BackfillControls.NONE);
            BackfillFigures f = engine.run(c, () -> postgres.connect("bench_backfill"), "impact", spec, p -> {});
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Backfilled(
                    f.batches() + " batches, " + String.format(Locale.ROOT, "%.1f s", seconds),
                    f.rowsUpdated() / seconds,
                    start,
                    System.currentTimeMillis() * 1000,
                    List.of());
        }
    }

    /**
     * The default backfill in turns: it runs for {@code seconds}, is cancelled between two batches, and after as long
     * again with nothing running resumes from its cursor, until it is done. The application alone between the turns is
     * the baseline, measured in the same minutes as the backfill, on the same disk in the same state: no drift of this
     * shared machine between a baseline and its backfill minutes apart.
     */
    static Backfilled inTurns(LocalPostgres postgres, int seconds) throws Exception {
        BackfillSpec spec = new BackfillSpec("users", "id", "avatar_url = " + BackfillBenchmark.EXPRESSION, null, null);
        io.dbshift.executor.backfill.BackfillControls controls = new io.dbshift.executor.backfill.BackfillControls();
        KeysetBackfill engine = new KeysetBackfill("2s", "60s", KeysetBackfill.Health.DEFAULT, controls);
        List<long[]> turns = new ArrayList<>();
        java.util.concurrent.ScheduledExecutorService clock =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "bench-turns");
                    t.setDaemon(true);
                    return t;
                });
        java.util.concurrent.Semaphore nextTurn = new java.util.concurrent.Semaphore(0);
        try (Connection c = postgres.connect("bench_backfill")) {
            while (true) {
                long from = System.currentTimeMillis() * 1000;
                java.util.concurrent.ScheduledFuture<?> end = clock.schedule(
                        () -> controls.apply("impact", "cancel", null, null, "the benchmark"),
                        seconds,
                        java.util.concurrent.TimeUnit.SECONDS);
                try {
                    engine.run(c, () -> postgres.connect("bench_backfill"), "impact", spec, p -> {});
                    end.cancel(false);
                    turns.add(new long[] {from, System.currentTimeMillis() * 1000});
                    break;
                } catch (io.dbshift.executor.backfill.BackfillControls.Cancelled e) {
                    turns.add(new long[] {from, System.currentTimeMillis() * 1000});
                }
                clock.schedule((Runnable) nextTurn::release, seconds, java.util.concurrent.TimeUnit.SECONDS);
                nextTurn.acquire();
            }
            try (java.sql.ResultSet rs = c.createStatement()
                    .executeQuery("SELECT rows_updated, batches FROM " + KeysetBackfill.STATE_TABLE
                            + " WHERE backfill_id = 'impact'")) {
                rs.next();
                double running = turns.stream().mapToLong(t -> t[1] - t[0]).sum() / 1e6;
                return new Backfilled(
                        String.format(
                                Locale.ROOT,
                                "%d batches in %d turns of %d s, %.1f s running",
                                rs.getLong(2),
                                turns.size(),
                                seconds,
                                running),
                        rs.getLong(1) / running,
                        turns.get(0)[0],
                        turns.get(turns.size() - 1)[1],
                        turns);
            }
        } finally {
            clock.shutdownNow();
        }
    }

    /**
     * The part of a window that falls within {@code windows} ({from, to} in epoch µs): its transactions, failures,
     * percentiles, samples and busy cores.
     */
    static Load within(Load load, List<long[]> windows, String label) {
        List<double[]> timed =
                load.timed().stream().filter(t -> within((long) t[0], windows)).toList();
        List<Long> failedAt =
                load.failedAt().stream().filter(t -> within(t, windows)).toList();
        List<Double> latencies = timed.stream().map(t -> t[1]).sorted().toList();
        double seconds = windows.stream().mapToLong(w -> w[1] - w[0]).sum() / 1e6;
        return new Load(
                latencies.size(),
                failedAt.size(),
                percentile(latencies, 0.50),
                percentile(latencies, 0.99),
                percentile(latencies, 0.999),
                label,
                0,
                seconds,
                timed,
                failedAt,
                load.samples(),
                Background.coresBusy(load.samples(), windows),
                List.of(),
                Waits.within(load.waits(), windows));
    }

    static boolean within(long micros, List<long[]> windows) {
        for (long[] w : windows) {
            if (micros >= w[0] && micros <= w[1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs pgbench for {@code seconds}, or, with {@code work}, for as long as the work runs (its transactions counted
     * from the work's start to its end). Either way the counting starts once its clients have committed
     * {@link #SETTLE_SECONDS} of their schedule (of 1,500 transactions a second when it runs flat out).
     */
    static Load pgbench(LocalPostgres postgres, Path script, int clients, int rate, int seconds, Work work)
            throws Exception {
        Path logs = Files.createTempDirectory("dbshift-pgbench");
        // Beside work, pgbench runs until the work ends (it is stopped then), however long that is; alone, for the
        // seconds counted and the settling before them.
        int duration = work == null ? seconds + SETTLE_SECONDS + 10 : 3600;
        List<String> command = pgbenchCommand(postgres, script, clients, rate, duration, logs, "bench_backfill");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.redirectOutput(logs.resolve("out.txt").toFile());
        pb.environment().put("PGPASSWORD", postgres.password());
        Process p = pb.start();
        Background background = new Background(postgres);
        Backfilled done = null;
        // Counted once pgbench has run a while, alone and beside the work alike: an application meets a backfill
        // already at work. Counted from the moment its clients had connected, the backfill's first second held 1,598
        // of a run's 2,541 slow transactions; about two seconds later, 135 (docs/benchmarks.md).
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> pgbenchClients(postgres) >= clients);
        long connected = committed(postgres);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> committed(postgres) - connected >= SETTLE_SECONDS * (rate > 0 ? rate : 1_500L));
        long from = System.currentTimeMillis() * 1000;
        long to = from + seconds * 1_000_000L;
        if (work != null) {
            done = work.run();
            from = done.startMicros();
            to = done.endMicros();
            p.destroy(); // SIGTERM: pgbench stops and writes its logs
        }
        p.waitFor();
        background.close();
        List<Double> latencies = new ArrayList<>();
        List<double[]> timed = new ArrayList<>();
        List<Long> failedAt = new ArrayList<>();
        long failed = 0;
        for (Logged t : transactions(logs)) {
            if (t.atMicros() < from || t.atMicros() > to) {
                continue;
            }
            if (t.failed()) {
                failed++;
                failedAt.add(t.atMicros());
            } else {
                latencies.add(t.latencyMicros() / 1000.0);
                // pgbench gives each of its threads a contiguous share of the clients
                timed.add(new double[] {t.atMicros(), t.latencyMicros() / 1000.0, t.client() * threads / clients});
            }
        }
        // pgbench's own summary: how far behind its schedule it fell, to tell lag from latency.
        for (String line : Files.readAllLines(logs.resolve("out.txt"))) {
            if (line.contains("schedule lag") || line.contains("transactions actually processed")) {
                System.err.println(
                        "pgbench (" + (work == null ? "alone" : "beside the backfill") + "): " + line.strip());
            }
        }
        deleteTree(logs);
        Collections.sort(latencies);
        timed.sort(java.util.Comparator.comparingDouble(t -> t[0]));
        return new Load(
                latencies.size(),
                failed,
                percentile(latencies, 0.50),
                percentile(latencies, 0.99),
                percentile(latencies, 0.999),
                done == null ? "none" : done.description(),
                done == null ? 0 : done.rowsPerSecond(),
                done == null ? seconds : (to - from) / 1e6,
                timed,
                failedAt,
                new ArrayList<>(background.samples),
                // over the window whose transactions are counted, from the samples' readings of /proc/stat
                Background.coresBusy(background.samples, List.of(new long[] {from, to})),
                done == null ? List.of() : done.turns(),
                Waits.within(new ArrayList<>(background.waits), List.of(new long[] {from, to})));
    }

    /** One transaction in pgbench's log: its client, when it ended (epoch µs), its latency (µs; -1 when it failed). */
    record Logged(int client, long atMicros, long latencyMicros) {
        boolean failed() {
            return latencyMicros < 0;
        }
    }

    /** Every transaction pgbench logged under {@code logs}/tx (-l), read once; skipped ones are left out. */
    static List<Logged> transactions(Path logs) throws IOException {
        List<Logged> transactions = new ArrayList<>();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.filter(x -> x.getFileName().toString().startsWith("tx"))
                    .toList()) {
                for (String line : Files.readAllLines(f)) {
                    // client_id transaction_no time script_no time_epoch time_us [...]
                    String[] c = line.split(" ");
                    if (c.length < 6 || c[2].equals("skipped")) {
                        continue; // the last line of a log cut short when pgbench was stopped, or a skipped one
                    }
                    long at = Long.parseLong(c[4]) * 1_000_000 + Long.parseLong(c[5]);
                    transactions.add(
                            new Logged(Integer.parseInt(c[0]), at, c[2].equals("failed") ? -1 : Long.parseLong(c[2])));
                }
            }
        }
        return transactions;
    }

    /**
     * pgbench running {@code script} with {@code clients} for {@code seconds}, at {@code rate} transactions/s (0: flat
     * out), logging every transaction under {@code logs}/tx.
     */
    static List<String> pgbenchCommand(
            LocalPostgres postgres, Path script, int clients, int rate, int seconds, Path logs, String database) {
        // In a session of its own, as an application started apart from the migration tool is: where the kernel
        // schedules by session (autogroup), a child of the bench would share the CPU share of its JVM, the backfill's.
        List<String> command = new ArrayList<>(List.of(
                "setsid",
                "/usr/lib/postgresql/15/bin/pgbench",
                "-h",
                postgres.host(),
                "-p",
                String.valueOf(postgres.port()),
                "-U",
                postgres.user(),
                "-n",
                "-c",
                String.valueOf(clients),
                "-j",
                String.valueOf(threads),
                "-T",
                String.valueOf(seconds),
                "-f",
                script.toString(),
                "-l",
                "--log-prefix",
                logs.resolve("tx").toString()));
        if (rate > 0) {
            command.addAll(List.of("-R", String.valueOf(rate)));
        }
        command.add(database);
        return command;
    }

    /** Transactions committed on the bench's database so far (its statistics, flushed about once a second). */
    static long committed(LocalPostgres postgres) throws java.sql.SQLException {
        return number(postgres, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
    }

    static long pgbenchClients(LocalPostgres postgres) throws java.sql.SQLException {
        return number(postgres, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgbench'");
    }

    /** The one number a query on the bench's database answers, on a connection of its own. */
    private static long number(LocalPostgres postgres, String sql) throws java.sql.SQLException {
        try (Connection c = postgres.connect("bench_backfill");
                java.sql.ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static double percentile(List<Double> sorted, double p) {
        return sorted.isEmpty() ? Double.NaN : sorted.get((int) Math.min(sorted.size() - 1, p * sorted.size()));
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Collections.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
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
