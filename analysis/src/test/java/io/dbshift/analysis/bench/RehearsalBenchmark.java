package io.dbshift.analysis.bench;

import io.dbshift.analysis.ScriptLoader;
import io.dbshift.analysis.rehearse.Rehearsal;
import io.dbshift.analysis.rehearse.Reversible;
import io.dbshift.localstack.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The crates.io history rehearsed up → down → up, migration by migration, on an empty database: dbshift's rehearsal
 * (which also compares the schema after each down with the one before its up) against psql doing the same redo, in
 * the same run. psql's refusals are the cross-check of which down scripts are broken. Prints Markdown.
 *
 * <p>Run: {@code ./dbshift bench-rehearsal [--corpus ../shared/corpus]}.
 */
public final class RehearsalBenchmark {
    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("dbshift.home", "."));
        Path corpus = Path.of(
                option(args, "--corpus", home.resolve("../shared/corpus").toString()));
        Path migrations = corpus.resolve("crates.io/migrations");
        if (!Files.isDirectory(migrations)) {
            System.err.println("crates.io migrations not found at " + migrations + "; give --corpus");
            System.exit(2);
        }
        List<Reversible> pairs = ScriptLoader.reversible(List.of(migrations));
        LocalPostgres postgres = LocalPostgres.shared();

        postgres.recreateDatabase("rehearsal_psql");
        long t0 = System.nanoTime();
        Set<String> psqlDownRefused = new TreeSet<>();
        Set<String> psqlRedoRefused = new TreeSet<>();
        for (Reversible m : pairs) {
            if (!psql(postgres, migrations.resolve(m.up().name()), m.up().transactional())) {
                throw new IllegalStateException("psql refused " + m.up().name());
            }
            if (m.irreversible()) {
                continue;
            }
            if (!psql(postgres, migrations.resolve(m.down().name()), m.down().transactional())) {
                psqlDownRefused.add(m.up().version());
                continue;
            }
            if (!psql(postgres, migrations.resolve(m.up().name()), m.up().transactional())) {
                psqlRedoRefused.add(m.up().version());
            }
        }
        double psqlSeconds = (System.nanoTime() - t0) / 1e9;

        postgres.recreateDatabase("rehearsal_dbshift");
        Rehearsal.Report report;
        try (Connection c = postgres.connect("rehearsal_dbshift")) {
            report = Rehearsal.run(c, pairs, line -> {});
        }
        double seconds = report.millis() / 1000.0;

        System.out.println("## crates.io rehearsed up → down → up (" + pairs.size() + " migrations)\n");
        System.out.println("| Who | Seconds | Ratio to psql |\n|---|---|---|");
        System.out.printf(
                Locale.ROOT,
                "| psql, one process per file (`-X -v ON_ERROR_STOP=1`, `-1` unless"
                        + " `run_in_transaction = false`) | %.1f | 1.00 |%n",
                psqlSeconds);
        System.out.printf(
                Locale.ROOT,
                "| dbshift rehearsal, with a schema comparison after every down and every second up | %.1f | %.2f |%n%n",
                seconds,
                seconds / psqlSeconds);
        System.out.println("| Verdict | Migrations |\n|---|---|");
        for (Rehearsal.Verdict v : Rehearsal.Verdict.values()) {
            System.out.println("| " + v + " | " + report.count(v) + " |");
        }
        System.out.println("\n| Migration | Verdict | What |\n|---|---|---|");
        Set<String> ourDownRefused = new TreeSet<>();
        for (Rehearsal.Outcome o : report.outcomes()) {
            if (o.verdict() == Rehearsal.Verdict.REVERSIBLE || o.verdict() == Rehearsal.Verdict.IRREVERSIBLE) {
                continue;
            }
            if (o.verdict() == Rehearsal.Verdict.DOWN_FAILED) {
                ourDownRefused.add(o.version());
            }
            List<String> what = new ArrayList<>();
            if (o.refusal() != null) {
                what.add("`" + o.refusal().script().replaceAll("^.*/", "") + "` line "
                        + o.refusal().line() + ": " + o.refusal().message().replace("|", "\\|") + " ("
                        + o.refusal().sqlState() + ")");
            }
            o.differences().stream().limit(3).forEach(d -> what.add(d.replace("|", "\\|")));
            if (o.differences().size() > 3) {
                what.add("and " + (o.differences().size() - 3) + " more differences");
            }
            System.out.println("| " + o.name().replaceAll("/up.sql$", "") + " | " + o.verdict() + " | "
                    + String.join("; ", what) + " |");
        }
        System.out.println("\nIrreversible (no down script, or only comments): "
                + report.outcomes().stream()
                        .filter(o -> o.verdict() == Rehearsal.Verdict.IRREVERSIBLE)
                        .map(o -> o.name().replaceAll("/up.sql$", ""))
                        .toList());
        System.out.println("\nDown scripts psql refused: " + psqlDownRefused.size() + "; the rehearsal: "
                + ourDownRefused.size() + "; the same ones: " + psqlDownRefused.equals(ourDownRefused));
        System.out.println("Second ups psql refused: " + psqlRedoRefused);
        System.exit(0);
    }

    /** One file through psql, as an operator would run it; false when psql stopped on an error. */
    static boolean psql(LocalPostgres postgres, Path file, boolean transactional) throws Exception {
        return postgres.runFile("rehearsal_psql", file, transactional);
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
