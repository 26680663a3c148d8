package io.dbshift.executor.bench;

import io.dbshift.contracts.request.BackfillSpec;
import io.dbshift.contracts.result.BackfillCompleted.BackfillFigures;
import io.dbshift.executor.backfill.GravatarTransformer;
import io.dbshift.executor.backfill.KeysetBackfill;
import io.dbshift.localstack.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Gravatar backfill of the workflow document on a large users table, four ways in one run: (a) dbshift with the SQL
 * expression and default settings; (b) the database's own speed, the same keyset-batched UPDATE as a procedure inside
 * PostgreSQL with a COMMIT per batch; (c) the document's pattern ported faithfully (select 1,000 rows where the column is
 * NULL, then one UPDATE per row, a transaction per batch), for a fixed time, since it would take most of an hour; (d)
 * dbshift with the Java transformer. Each starts from the same fresh table. Prints Markdown.
 *
 * <p>Then the batch the engine runs with the application at work, 25 rows: what one such batch costs against the same
 * batch in PostgreSQL's own loop, in time and in the server's CPU (read from {@code /proc} when the server runs on this
 * host). That cost is what the application shares its cores with.
 *
 * <p>Run: {@code ./dbshift bench-backfill [--rows 1000000] [--pattern-seconds 20] [--small-batch 25]}.
 */
public final class BackfillBenchmark {
    static final String EXPRESSION = "'https://www.gravatar.com/avatar/' || md5(lower(trim(email)))";

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(option(args, "--rows", "1000000"));
        int patternSeconds = Integer.parseInt(option(args, "--pattern-seconds", "20"));
        int small = Integer.parseInt(option(args, "--small-batch", "25"));
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.recreateDatabase("bench_backfill");
        try (Connection c = postgres.connect("bench_backfill");
                Statement s = c.createStatement()) {
            System.out.println("PostgreSQL " + c.getMetaData().getDatabaseProductVersion() + ", "
                    + Runtime.getRuntime().availableProcessors() + " cores, " + rows + " users\n");
            s.execute("CREATE TABLE users_seed AS SELECT g::bigint AS id, 'User' || g || '@Example.com ' AS email,"
                    + " NULL::text AS avatar_url FROM generate_series(1, " + rows + ") g");
            s.execute("CREATE PROCEDURE native_backfill(batch int) LANGUAGE plpgsql AS $$"
                    + " DECLARE last bigint := 0; n int;"
                    + " BEGIN LOOP"
                    + "   WITH b AS (SELECT id FROM users WHERE id > last ORDER BY id LIMIT batch),"
                    + "   u AS (UPDATE users t SET avatar_url = " + EXPRESSION.replace("email", "t.email")
                    + "     FROM b WHERE t.id = b.id AND t.avatar_url IS NULL RETURNING 1)"
                    + "   SELECT max(b.id), count(*) INTO last, n FROM b;"
                    + "   EXIT WHEN n < batch; COMMIT;"
                    + " END LOOP; COMMIT; END $$");
        }
        List<String[]> table = new ArrayList<>();
        double native1000 = 0;
        double dbshiftSql = 0;

        fresh(postgres);
        try (Connection c = postgres.connect("bench_backfill")) {
            long t0 = System.nanoTime();
            c.createStatement().execute("CALL native_backfill(1000)");
            double seconds = (System.nanoTime() - t0) / 1e9;
            check(c, rows);
            native1000 = rows / seconds;
            table.add(row(
                    "(b) PostgreSQL's own loop: a procedure, keyset batches of 1,000, COMMIT per batch",
                    rows,
                    seconds));
        }

        fresh(postgres);
        try (Connection c = postgres.connect("bench_backfill")) {
            BackfillSpec spec =
                    new BackfillSpec("users", "id", "avatar_url = " + EXPRESSION, "avatar_url IS NULL", null);
            long t0 = System.nanoTime();
            BackfillFigures f = new KeysetBackfill("2s", "60s").run(c, "bench/sql", spec, p -> {});
            double seconds = (System.nanoTime() - t0) / 1e9;
            check(c, rows);
            dbshiftSql = rows / seconds;
            table.add(row(
                    "(a) dbshift, SQL expression, default settings (" + f.batches() + " batches, adaptive)",
                    rows,
                    seconds));
        }

        fresh(postgres);
        try (Connection c = postgres.connect("bench_backfill")) {
            BackfillSpec spec = new BackfillSpec(
                    "users", "id", null, "avatar_url IS NULL", null, null, null, "gravatar", List.of("email"));
            long t0 = System.nanoTime();
            BackfillFigures f = new KeysetBackfill("2s", "60s").run(c, "bench/java", spec, p -> {});
            double seconds = (System.nanoTime() - t0) / 1e9;
            check(c, rows);
            table.add(row("(d) dbshift, Java transformer (" + f.batches() + " batches, adaptive)", rows, seconds));
        }

        fresh(postgres);
        try (Connection c = postgres.connect("bench_backfill")) {
            long done = documentPattern(c, patternSeconds);
            table.add(row(
                    "(c) the document's pattern (1,000 rows where NULL, one UPDATE per row), first " + patternSeconds
                            + " s",
                    done,
                    patternSeconds));
        }

        System.out.println("| Way | Rows | Seconds | Rows/s |\n|---|---|---|---|");
        table.forEach(r -> System.out.println("| " + String.join(" | ", r) + " |"));
        System.out.printf(Locale.ROOT, "%n(a) / (b) = %.2f%n", dbshiftSql / native1000);

        // The batch size the engine takes with the application at work: its cost per batch, not its speed, is what the
        // application feels. Nothing else runs beside it here, so the figures are the batch's own.
        System.out.printf(
                Locale.ROOT,
                "%n| %d-row batches, one COMMIT each | Batches | Seconds | Rows/s | ms per batch | server CPU ms per batch"
                        + " |%n|---|---|---|---|---|---|%n",
                small);
        fresh(postgres);
        double nativeCpu;
        try (Connection c = postgres.connect("bench_backfill")) {
            long cpu = serverCpuMillis(c);
            long t0 = System.nanoTime();
            c.createStatement().execute("CALL native_backfill(" + small + ")");
            double seconds = (System.nanoTime() - t0) / 1e9;
            nativeCpu = (serverCpuMillis(c) - cpu) / (double) (rows / small);
            check(c, rows);
            printBatches("PostgreSQL's own loop (the procedure of (b))", rows / small, rows, seconds, nativeCpu);
        }
        fresh(postgres);
        try (Connection c = postgres.connect("bench_backfill")) {
            BackfillSpec spec =
                    new BackfillSpec("users", "id", "avatar_url = " + EXPRESSION, "avatar_url IS NULL", small, null, 0);
            long cpu = serverCpuMillis(c);
            long t0 = System.nanoTime();
            BackfillFigures f = new KeysetBackfill("2s", "60s").run(c, "bench/small", spec, p -> {});
            double seconds = (System.nanoTime() - t0) / 1e9;
            double dbshiftCpu = (serverCpuMillis(c) - cpu) / (double) f.batches();
            check(c, rows);
            printBatches(
                    "dbshift, SQL expression, batchSize " + small + ", no pause",
                    f.batches(),
                    rows,
                    seconds,
                    dbshiftCpu);
            if (nativeCpu > 0) {
                System.out.printf(
                        Locale.ROOT,
                        "%nserver CPU per batch, dbshift / PostgreSQL's own loop = %.2f%n",
                        dbshiftCpu / nativeCpu);
            }
        }
        System.exit(0);
    }

    private static void printBatches(String way, long batches, long rows, double seconds, double cpuMillis) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %,d | %.1f | %,.0f | %.3f | %s |%n",
                way,
                batches,
                seconds,
                rows / seconds,
                seconds * 1000 / batches,
                cpuMillis < 0 ? "n/a (server not on this host)" : String.format(Locale.ROOT, "%.3f", cpuMillis));
    }

    /**
     * The CPU time the connection's server process has used, user and system, in milliseconds; -1 when that process is
     * not on this host. Read from {@code /proc/<pid>/stat}, in ticks of 10 ms (Linux's usual 100 a second): over thousands of batches that is precise
     * enough.
     */
    static long serverCpuMillis(Connection c) throws Exception {
        int pid;
        try (ResultSet rs = c.createStatement().executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.isReadable(stat)) {
            return -1;
        }
        String line = Files.readString(stat);
        if (!line.contains("(postgres)")) {
            return -1; // a process of this host with the same number, not the server's
        }
        // After the command's name in parentheses: field 14 (utime) and 15 (stime) of proc(5) are the 12th and 13th.
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    /** A users table as the document has it: the column to fill is NULL everywhere, the key is the primary key. */
    static void fresh(LocalPostgres postgres) throws Exception {
        fresh(postgres, "*");
    }

    /**
     * A fresh users table made of the seed's rows as {@code columns} select them (as the backfill would leave them, say),
     * its primary key, vacuumed and analysed, then a checkpoint: every measured window starts from the same state.
     */
    static void fresh(LocalPostgres postgres, String columns) throws Exception {
        try (Connection c = postgres.connect("bench_backfill");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS users");
            s.execute("DROP TABLE IF EXISTS " + KeysetBackfill.STATE_TABLE);
            s.execute("CREATE TABLE users AS SELECT " + columns + " FROM users_seed");
            s.execute("ALTER TABLE users ADD PRIMARY KEY (id)");
            s.execute("VACUUM ANALYZE users");
            s.execute("CHECKPOINT");
        }
    }

    /**
     * The workflow document's backfill, ported: a transaction per batch, the batch chosen by {@code WHERE avatar_url IS
     * NULL LIMIT 1000} (no order, no key: each batch scans past the rows already done), one UPDATE per row with the
     * value computed in the application. Runs for the given time; returns the rows done.
     */
    static long documentPattern(Connection c, int seconds) throws Exception {
        GravatarTransformer gravatar = new GravatarTransformer();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long done = 0;
        c.setAutoCommit(false);
        try (PreparedStatement select =
                        c.prepareStatement("SELECT id, email FROM users WHERE avatar_url IS NULL LIMIT 1000");
                PreparedStatement update = c.prepareStatement("UPDATE users SET avatar_url = ? WHERE id = ?")) {
            while (System.nanoTime() < deadline) {
                List<Object[]> batch = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        batch.add(new Object[] {rs.getLong(1), rs.getString(2)});
                    }
                }
                if (batch.isEmpty()) {
                    break;
                }
                for (Object[] r : batch) {
                    update.setString(1, (String)
                            gravatar.transform(Map.of("email", r[1])).get("avatar_url"));
                    update.setLong(2, (Long) r[0]);
                    update.executeUpdate();
                    done++;
                    if (System.nanoTime() >= deadline) {
                        break;
                    }
                }
                c.commit();
            }
            c.commit();
        }
        return done;
    }

    static void check(Connection c, int rows) throws Exception {
        try (ResultSet rs = c.createStatement()
                .executeQuery("SELECT count(*) FROM users WHERE avatar_url IS DISTINCT FROM " + EXPRESSION)) {
            rs.next();
            if (rs.getLong(1) != 0) {
                throw new IllegalStateException(rs.getLong(1) + " of " + rows + " rows were not backfilled right");
            }
        }
    }

    static String[] row(String way, long rows, double seconds) {
        return new String[] {
            way,
            String.format(Locale.ROOT, "%,d", rows),
            String.format(Locale.ROOT, "%.1f", seconds),
            String.format(Locale.ROOT, "%,.0f", rows / seconds)
        };
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
