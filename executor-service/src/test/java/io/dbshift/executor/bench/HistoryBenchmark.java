package io.dbshift.executor.bench;

import io.dbshift.analysis.backup.Backup;
import io.dbshift.analysis.replay.Server;
import io.dbshift.analysis.schema.SchemaDiff;
import io.dbshift.analysis.schema.SchemaSnapshotter;
import io.dbshift.contracts.request.MigrationScript;
import io.dbshift.contracts.schema.SchemaSnapshot;
import io.dbshift.executor.apply.FlywayApplier;
import io.dbshift.localstack.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real Flyway history through the executor's applier, and restore-from-backup as the rollback of its last
 * migrations. The familie-ba-sak history (317 files in the locations {@code init} and {@code migration}, no down
 * scripts): all of it applied to an empty database by {@link FlywayApplier}, against psql applying the same files one
 * transaction each in the same run; then the first 297 applied, and each of the last 20 rehearsed as backup (verified
 * by a test restore) → apply → restore from the backup → schema and row counts compared with before → apply again →
 * schema compared with the first apply. Prints Markdown.
 *
 * <p>Run: {@code ./dbshift bench-history [--corpus ../shared/corpus] [--last 20]}.
 */
public final class HistoryBenchmark {
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__(.+)\\.sql");

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("dbshift.home", "."));
        Path root = Path.of(option(
                        args, "--corpus", home.resolve("../shared/corpus").toString()))
                .resolve("familie-ba-sak");
        int last = Integer.parseInt(option(args, "--last", "20"));
        if (!Files.isDirectory(root)) {
            System.err.println("familie-ba-sak not found at " + root + "; give --corpus");
            System.exit(2);
        }
        List<Path> files = new ArrayList<>();
        for (String location : List.of("init", "migration")) {
            try (Stream<Path> list = Files.list(root.resolve(location))) {
                list.filter(p -> VERSIONED.matcher(p.getFileName().toString()).matches())
                        .forEach(files::add);
            }
        }
        files.sort(Comparator.comparingLong(p -> Long.parseLong(version(p))));
        List<MigrationScript> scripts = new ArrayList<>();
        for (Path f : files) {
            Matcher m = VERSIONED.matcher(f.getFileName().toString());
            m.matches();
            scripts.add(new MigrationScript(m.group(1), m.group(2), Files.readString(f), null));
        }
        LocalPostgres postgres = LocalPostgres.shared();

        postgres.recreateDatabase("history_psql");
        long t0 = System.nanoTime();
        for (Path f : files) {
            psql(postgres, "history_psql", f);
        }
        double psqlSeconds = (System.nanoTime() - t0) / 1e9;

        postgres.recreateDatabase("history_dbshift");
        FlywayApplier applier = new FlywayApplier("2s");
        long t1 = System.nanoTime();
        FlywayApplier.Applied all = applier.apply(dataSource(postgres, "history_dbshift"), scripts);
        double dbshiftSeconds = (System.nanoTime() - t1) / 1e9;
        List<String> psqlTables = tables(postgres, "history_psql");
        List<String> dbshiftTables = tables(postgres, "history_dbshift");
        List<String> differences;
        try (Connection a = postgres.connect("history_psql");
                Connection b = postgres.connect("history_dbshift")) {
            differences = SchemaDiff.between(SchemaSnapshotter.take(a), SchemaSnapshotter.take(b)).stream()
                    .map(Object::toString)
                    .toList();
        }
        System.out.printf(
                Locale.ROOT,
                "## familie-ba-sak: %d files (init and migration) on an empty database%n%n"
                        + "| Who | Versions applied | Seconds | Ratio to psql |%n|---|---|---|---|%n"
                        + "| psql, one transaction per file (`-X -1 -v ON_ERROR_STOP=1`) | %d | %.1f | 1.00 |%n"
                        + "| dbshift's applier (Flyway, lock_timeout 2 s) | %d, now at version %s | %.1f | %.2f |%n%n"
                        + "Schema differences between the two databases: %s (%d tables each: %d, %d).%n%n",
                files.size(),
                files.size(),
                psqlSeconds,
                all.versions().size(),
                all.schemaVersion(),
                dbshiftSeconds,
                dbshiftSeconds / psqlSeconds,
                differences.isEmpty() ? "none" : String.join("; ", differences),
                psqlTables.size(),
                psqlTables.size(),
                dbshiftTables.size());

        postgres.recreateDatabase("history_restore");
        Server target = Server.parse(postgres.jdbcUrl("history_restore"), postgres.user(), postgres.password());
        int first = scripts.size() - last;
        applier.apply(dataSource(postgres, "history_restore"), scripts.subList(0, first));
        Path dir = Files.createTempDirectory("dbshift-history");
        System.out.printf(
                Locale.ROOT,
                "## The last %d, each rolled back by restoring its verified backup%n%n"
                        + "| Version | Backup + proof, s | Apply, s | Restore, s | Schema after restore | Rows after restore"
                        + " | Apply again |%n|---|---|---|---|---|---|---|%n",
                last);
        int identical = 0;
        double backupTotal = 0;
        double restoreTotal = 0;
        long started = System.nanoTime();
        for (MigrationScript script : scripts.subList(first, scripts.size())) {
            SchemaSnapshot before;
            try (Connection c = postgres.connect("history_restore")) {
                before = SchemaSnapshotter.take(c);
            }
            long b0 = System.nanoTime();
            Backup.Verified backup = Backup.take(target, dir.resolve("v" + script.version() + ".dump"), line -> {});
            double backupSeconds = (System.nanoTime() - b0) / 1e9;
            long a0 = System.nanoTime();
            applier.apply(dataSource(postgres, "history_restore"), List.of(script));
            double applySeconds = (System.nanoTime() - a0) / 1e9;
            SchemaSnapshot applied;
            try (Connection c = postgres.connect("history_restore")) {
                applied = SchemaSnapshotter.take(c);
            }
            long r0 = System.nanoTime();
            Backup.Restored restored = Backup.restore(target, backup.archive(), backup.sha256(), line -> {});
            Map<String, Long> rows = restored.rowCounts();
            try (Connection c = postgres.connect("postgres")) {
                c.createStatement().execute("DROP DATABASE \"" + restored.keptAs() + "\"");
            }
            double restoreSeconds = (System.nanoTime() - r0) / 1e9;
            List<String> left;
            try (Connection c = postgres.connect("history_restore")) {
                left = SchemaDiff.between(before, SchemaSnapshotter.take(c)).stream()
                        .map(Object::toString)
                        .toList();
            }
            boolean rowsSame = rows.equals(backup.rowCounts());
            FlywayApplier.Applied again = applier.apply(dataSource(postgres, "history_restore"), List.of(script));
            List<String> redo;
            try (Connection c = postgres.connect("history_restore")) {
                redo = SchemaDiff.between(applied, SchemaSnapshotter.take(c)).stream()
                        .map(Object::toString)
                        .toList();
            }
            if (left.isEmpty() && rowsSame && redo.isEmpty() && again.versions().equals(List.of(script.version()))) {
                identical++;
            }
            backupTotal += backupSeconds;
            restoreTotal += restoreSeconds;
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.2f | %.2f | %.2f | %s | %s | %s |%n",
                    script.version(),
                    backupSeconds,
                    applySeconds,
                    restoreSeconds,
                    left.isEmpty() ? "as before" : String.join("; ", left),
                    rowsSame ? "as before (" + backup.rows() + ")" : "differ: " + rows + " vs " + backup.rowCounts(),
                    redo.isEmpty() && again.versions().equals(List.of(script.version()))
                            ? "same schema"
                            : "differs: " + String.join("; ", redo));
            Files.deleteIfExists(backup.archive());
        }
        System.out.printf(
                Locale.ROOT,
                "%n%d of %d rolled back to the same schema and rows and applied again to the same schema, in %.1f s"
                        + " (backups %.1f s, restores %.1f s).%n",
                identical,
                last,
                (System.nanoTime() - started) / 1e9,
                backupTotal,
                restoreTotal);
        System.exit(identical == last && differences.isEmpty() ? 0 : 1);
    }

    private static String version(Path file) {
        Matcher m = VERSIONED.matcher(file.getFileName().toString());
        m.matches();
        return m.group(1);
    }

    private static PGSimpleDataSource dataSource(LocalPostgres postgres, String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(postgres.jdbcUrl(database));
        ds.setUser(postgres.user());
        if (!postgres.password().isEmpty()) {
            ds.setPassword(postgres.password());
        }
        return ds;
    }

    private static List<String> tables(LocalPostgres postgres, String database) throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection c = postgres.connect(database);
                java.sql.ResultSet rs = c.createStatement()
                        .executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                                + " AND tablename NOT IN ('dbshift_schema_history') ORDER BY 1")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private static void psql(LocalPostgres postgres, String database, Path file) throws Exception {
        if (!postgres.runFile(database, file, true)) {
            throw new IllegalStateException("psql refused " + file);
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
