package io.dbshift.analysis.bench;

import io.dbshift.analysis.backup.Backup;
import io.dbshift.analysis.replay.PgTools;
import io.dbshift.analysis.replay.Server;
import io.dbshift.localstack.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * What proving a backup costs: dbshift's verified backup (counts in the dump's snapshot, {@code pg_dump -Fc}, {@code
 * pg_restore --list}, SHA-256, a test restore into a scratch database and its counts) against the bare minimum an
 * operator would run by hand ({@code pg_dump -Fc}, then {@code pg_restore} into an empty database), in the same run,
 * on the same database. Prints Markdown.
 *
 * <p>Run: {@code ./dbshift bench-backup [--rows 1000000] [--repeat 2]}.
 */
public final class BackupBenchmark {
    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(option(args, "--rows", "1000000"));
        int repeat = Integer.parseInt(option(args, "--repeat", "2"));
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.recreateDatabase("bench_backup");
        try (Connection c = postgres.connect("bench_backup");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users AS SELECT g::bigint AS id, 'user' || g || '@example.com' AS email,"
                    + " now() - g * interval '1 minute' AS created_at FROM generate_series(1, " + rows + ") g");
            s.execute("ALTER TABLE users ADD PRIMARY KEY (id)");
            s.execute("CREATE TABLE orders AS SELECT g::bigint AS id, (g % " + rows + ") + 1 AS user_id,"
                    + " (g % 997)::numeric / 10 AS total FROM generate_series(1, " + 2 * rows + ") g");
            s.execute("ALTER TABLE orders ADD PRIMARY KEY (id), ADD FOREIGN KEY (user_id) REFERENCES users");
            s.execute("CREATE INDEX orders_user ON orders (user_id)");
            s.execute("VACUUM ANALYZE");
        }
        Server target = Server.parse(postgres.jdbcUrl("bench_backup"), postgres.user(), postgres.password());
        int major;
        try (Connection c = postgres.connect("bench_backup")) {
            major = c.getMetaData().getDatabaseMajorVersion();
        }
        Path dir = Files.createTempDirectory("dbshift-bench-backup");
        System.out.printf(
                Locale.ROOT,
                "%d users, %d orders (two tables, three indexes, a foreign key)%n%n"
                        + "| Run | By hand: pg_dump -Fc + pg_restore, s | dbshift: verified backup, s | of which dump, s |"
                        + " of which proof, s | Ratio | Archive MB |%n|---|---|---|---|---|---|---|%n",
                rows,
                2 * rows);
        for (int i = 1; i <= repeat; i++) {
            Path plain = dir.resolve("plain-" + i + ".dump");
            long t0 = System.nanoTime();
            PgTools.run(
                    List.of(PgTools.locate("pg_dump", major).toString(), "--format=custom", "--file=" + plain),
                    target.environment(),
                    "pg_dump");
            postgres.recreateDatabase("bench_backup_restored");
            PgTools.run(
                    List.of(
                            PgTools.locate("pg_restore", major).toString(),
                            "--exit-on-error",
                            "--no-owner",
                            "--no-privileges",
                            "--dbname=bench_backup_restored",
                            plain.toString()),
                    target.withDatabase("bench_backup_restored").environment(),
                    "pg_restore");
            double byHand = (System.nanoTime() - t0) / 1e9;
            Files.delete(plain);

            long t1 = System.nanoTime();
            Backup.Verified verified = Backup.take(target, dir.resolve("dbshift-" + i + ".dump"), line -> {});
            double dbshift = (System.nanoTime() - t1) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "| %d | %.1f | %.1f | %.1f | %.1f | %.2f | %.1f |%n",
                    i,
                    byHand,
                    dbshift,
                    verified.dumpMillis() / 1000.0,
                    verified.restoreMillis() / 1000.0,
                    dbshift / byHand,
                    verified.bytes() / 1e6);
            Files.delete(verified.archive());
        }
        System.exit(0);
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
