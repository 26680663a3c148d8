package io.dbshift.analysis.bench;

import io.dbshift.analysis.Analysis;
import io.dbshift.analysis.Analyzer;
import io.dbshift.analysis.Script;
import io.dbshift.analysis.ScriptLoader;
import io.dbshift.analysis.corpus.Corpus;
import io.dbshift.analysis.corpus.CorpusScore;
import io.dbshift.analysis.corpus.Squawk;
import io.dbshift.analysis.replay.LockModes;
import io.dbshift.analysis.replay.Server;
import io.dbshift.contracts.schema.ChangeClass;
import io.dbshift.contracts.schema.StatementAnalysis;
import io.dbshift.contracts.schema.TableLock;
import io.dbshift.localstack.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The design analysis measured: accuracy on the ground-truth corpus side by side with squawk, the two real migration
 * histories replayed from an empty database, and the lock-time estimates against the real durations on a large table.
 * Prints Markdown for docs/benchmarks.md.
 *
 * <p>Run: {@code ./dbshift bench-analysis [--corpus ../shared/corpus] [--rows 1000000]}.
 */
public final class AnalysisBenchmark {
    public static void main(String[] args) throws Exception {
        // ./dbshift passes its own folder: the default corpus sits next to the repository, wherever the command runs.
        Path home = Path.of(System.getProperty("dbshift.home", "."));
        Path corpusRoot = Path.of(
                option(args, "--corpus", home.resolve("../shared/corpus").toString()));
        int rows = Integer.parseInt(option(args, "--rows", "1000000"));
        LocalPostgres postgres = LocalPostgres.shared();
        try (Connection c = postgres.connect("postgres")) {
            System.out.println("PostgreSQL " + c.getMetaData().getDatabaseProductVersion() + ", "
                    + Runtime.getRuntime().availableProcessors() + " cores\n");
        }
        corpus(postgres);
        histories(postgres, corpusRoot);
        lockTimes(postgres, rows);
        System.exit(0);
    }

    static void corpus(LocalPostgres postgres) throws Exception {
        Corpus corpus = Corpus.load();
        long started = System.nanoTime();
        CorpusScore score = CorpusScore.run(postgres, corpus);
        double seconds = (System.nanoTime() - started) / 1e9;
        int n = corpus.entries().size();
        long unsafe = corpus.entries().stream().filter(e -> e.expect().unsafe()).count();
        long dataMigrations = corpus.entries().stream()
                .filter(e -> e.expect().classification() == Corpus.Classification.DATA_MIGRATION)
                .count();
        System.out.println("## Ground-truth corpus: " + n + " statements (" + unsafe + " unsafe, " + (n - unsafe)
                + " safe, " + dataMigrations + " data migrations), analysed in "
                + String.format(Locale.ROOT, "%.1f s", seconds) + "\n");
        Optional<Squawk> squawk = Squawk.locate().map(Squawk::new);
        Map<String, List<String>> squawked = new LinkedHashMap<>();
        if (squawk.isPresent()) {
            Map<String, String> sql = new LinkedHashMap<>();
            corpus.entries().forEach(e -> sql.put(e.id(), e.sql()));
            squawked = squawk.get().rules(sql);
        }
        long dbCaught = score.count(r -> r.entry().expect().unsafe() && r.got().unsafe());
        long dbFalse = score.count(r -> !r.entry().expect().unsafe() && r.got().unsafe());
        long dbData = score.count(r -> r.entry().expect().classification() == Corpus.Classification.DATA_MIGRATION
                && r.got().classification() == ChangeClass.DATA_MIGRATION);
        System.out.println("| Measure | dbshift | squawk |\n|---|---|---|");
        System.out.printf(
                Locale.ROOT,
                "| Lock mode per table right | %d / %d (%.1f%%) | — (not reported) |%n",
                score.count(CorpusScore.Result::locksRight),
                n,
                100.0 * score.count(CorpusScore.Result::locksRight) / n);
        System.out.printf(
                Locale.ROOT,
                "| Rewrite right | %d / %d (%.1f%%) | — |%n",
                score.count(CorpusScore.Result::rewritesRight),
                n,
                100.0 * score.count(CorpusScore.Result::rewritesRight) / n);
        System.out.printf(
                Locale.ROOT, "| Class right | %d / %d | — |%n", score.count(CorpusScore.Result::classRight), n);
        if (squawk.isPresent()) {
            Map<String, List<String>> rules = squawked;
            long sqCaught = corpus.entries().stream()
                    .filter(e -> e.expect().unsafe()
                            && !rules.getOrDefault(e.id(), List.of()).isEmpty())
                    .count();
            long sqFalse = corpus.entries().stream()
                    .filter(e -> !e.expect().unsafe()
                            && !rules.getOrDefault(e.id(), List.of()).isEmpty())
                    .count();
            System.out.printf(
                    Locale.ROOT,
                    "| Unsafe statements flagged | %d / %d | %d / %d |%n",
                    dbCaught,
                    unsafe,
                    sqCaught,
                    unsafe);
            System.out.printf(
                    Locale.ROOT,
                    "| False alarms on safe statements | %d / %d | %d / %d |%n",
                    dbFalse,
                    n - unsafe,
                    sqFalse,
                    n - unsafe);
            List<String> generic = List.of("require-lock-timeout", "require-statement-timeout", "prefer-robust-stmts");
            long sqSpecificCaught = corpus.entries().stream()
                    .filter(e -> e.expect().unsafe()
                            && rules.getOrDefault(e.id(), List.of()).stream().anyMatch(r -> !generic.contains(r)))
                    .count();
            long sqSpecificFalse = corpus.entries().stream()
                    .filter(e -> !e.expect().unsafe()
                            && rules.getOrDefault(e.id(), List.of()).stream().anyMatch(r -> !generic.contains(r)))
                    .count();
            System.out.printf(
                    Locale.ROOT,
                    "| Without squawk's three blanket rules (%s): flagged; false alarms | — | %d / %d; %d / %d |%n",
                    String.join(", ", generic),
                    sqSpecificCaught,
                    unsafe,
                    sqSpecificFalse,
                    n - unsafe);
            System.out.printf(
                    Locale.ROOT,
                    "| Data migrations recognised | %d / %d | 0 (no such notion) |%n%n",
                    dbData,
                    dataMigrations);
            System.out.println("Statements squawk handles differently (squawk's rules; the corpus's verdict):\n");
            for (CorpusScore.Result r : score.results()) {
                List<String> fired = rules.getOrDefault(r.entry().id(), List.of());
                boolean sq = !fired.isEmpty();
                if (sq != r.entry().expect().unsafe()) {
                    System.out.println(
                            "- `" + r.entry().id() + "`: squawk " + (sq ? String.join(", ", fired) : "silent")
                                    + "; " + (r.entry().expect().unsafe() ? "unsafe" : "safe") + " — "
                                    + r.entry().expect().why());
                }
            }
            System.out.println();
        } else {
            System.out.printf(
                    Locale.ROOT, "| Unsafe statements flagged | %d / %d | not installed |%n", dbCaught, unsafe);
            System.out.printf(
                    Locale.ROOT, "| False alarms on safe statements | %d / %d | — |%n%n", dbFalse, n - unsafe);
        }
        List<String> mismatches = score.mismatches();
        if (!mismatches.isEmpty()) {
            System.out.println("Where dbshift and the corpus disagree:\n");
            mismatches.forEach(m -> System.out.println("- " + m));
            System.out.println();
        }
    }

    static void histories(LocalPostgres postgres, Path root) {
        Server server = Server.parse(postgres.jdbcUrl("postgres"), postgres.user(), postgres.password());
        System.out.println("## Real histories, replayed from an empty database\n");
        System.out.println("| History | Files | Statements | Time | Non-breaking | Breaking | Data migration | Unsafe |"
                + " Findings |\n|---|---|---|---|---|---|---|---|---|");
        Map<String, Map<String, Long>> lockTables = new LinkedHashMap<>();
        for (String[] h : List.of(
                new String[] {"crates.io", "crates.io/migrations"},
                new String[] {"familie-ba-sak", "familie-ba-sak"})) {
            Path path = root.resolve(h[1]);
            if (!path.toFile().exists()) {
                System.out.println("| " + h[0] + " | not found at " + path + " | | | | | | | |");
                continue;
            }
            List<Script> scripts = ScriptLoader.load(List.of(path));
            Analysis a = new Analyzer().fromEmpty(server, scripts);
            Map<ChangeClass, Long> classes = new TreeMap<>();
            Map<String, Long> locks =
                    new TreeMap<>((x, y) -> Integer.compare(LockModes.ORDER.indexOf(y), LockModes.ORDER.indexOf(x)));
            for (StatementAnalysis s : a.statements()) {
                classes.merge(s.classification(), 1L, Long::sum);
                String strongest = s.locks().stream()
                        .map(TableLock::mode)
                        .reduce(LockModes::stronger)
                        .orElse("none on an existing table");
                locks.merge(strongest, 1L, Long::sum);
            }
            lockTables.put(h[0], locks);
            Map<String, Long> findings = new TreeMap<>();
            a.findings().forEach(f -> findings.merge(f.code(), 1L, Long::sum));
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %d | %d | %.1f s | %d | %d | %d | %d | %s |%n",
                    h[0],
                    a.scripts(),
                    a.statements().size(),
                    a.millis() / 1000.0,
                    classes.getOrDefault(ChangeClass.NON_BREAKING, 0L),
                    classes.getOrDefault(ChangeClass.BREAKING, 0L),
                    classes.getOrDefault(ChangeClass.DATA_MIGRATION, 0L),
                    a.statements().stream().filter(StatementAnalysis::unsafe).count(),
                    findings);
        }
        System.out.println("\nStatements by the strongest lock they take on a table that existed before their file:\n");
        lockTables.forEach((history, locks) -> {
            System.out.println("- " + history + ": "
                    + String.join(
                            ", ",
                            locks.entrySet().stream()
                                    .map(e ->
                                            (e.getKey().startsWith("none") ? e.getKey() : LockModes.display(e.getKey()))
                                                    + " " + e.getValue())
                                    .toList()));
        });
        System.out.println();
    }

    /** The estimates against what the same statements really take on a table of {@code rows} rows. */
    static void lockTimes(LocalPostgres postgres, int rows) throws Exception {
        postgres.recreateDatabase("bench_locktime");
        try (Connection c = postgres.connect("bench_locktime");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                    + " email varchar(100) NOT NULL, name text, age int, created_at timestamptz DEFAULT now())");
            s.execute("INSERT INTO users (email, name, age) SELECT 'user' || g || '@example.com', 'name ' || g,"
                    + " g % 90 FROM generate_series(1, " + rows + ") g");
            s.execute("VACUUM ANALYZE users");
        }
        Server target = Server.parse(postgres.jdbcUrl("bench_locktime"), postgres.user(), postgres.password());
        List<String[]> statements = List.of(
                new String[] {"rewrite", "ALTER TABLE users ALTER COLUMN age TYPE bigint"},
                new String[] {"scan", "ALTER TABLE users ALTER COLUMN name SET NOT NULL"},
                new String[] {"index build", "CREATE INDEX users_name_idx ON users (name)"},
                new String[] {"rows changed", "UPDATE users SET age = age + 1"});
        System.out.println("## Lock-time estimates against the real thing (" + rows + " rows)\n");
        System.out.println("| Work | Statement | Estimated | Measured (median of 3) | Measured / estimated |\n"
                + "|---|---|---|---|---|");
        List<Double> ratios = new ArrayList<>();
        try (Analyzer.Prepared prepared = new Analyzer().prepare(target)) {
            for (String[] w : statements) {
                Analysis a = prepared.analyze(List.of(new Script("1", "bench.sql", w[1], true)));
                double estimate = a.statements().get(0).locks().stream()
                        .filter(l -> l.table().equals("users"))
                        .mapToDouble(l -> l.estimatedSeconds() == null ? Double.NaN : l.estimatedSeconds())
                        .findFirst()
                        .orElse(Double.NaN);
                double measured = measure(postgres, w[1]);
                ratios.add(measured / estimate);
                System.out.printf(
                        Locale.ROOT,
                        "| %s | `%s` | %.2f s | %.2f s | %.2f |%n",
                        w[0],
                        w[1],
                        estimate,
                        measured,
                        measured / estimate);
            }
        }
        System.out.println();
    }

    /** Runs the statement three times, each in a transaction rolled back, and returns the median duration. */
    static double measure(LocalPostgres postgres, String sql) throws Exception {
        List<Double> runs = new ArrayList<>();
        try (Connection c = postgres.connect("bench_locktime")) {
            c.setAutoCommit(false);
            for (int i = 0; i < 3; i++) {
                try (Statement s = c.createStatement()) {
                    long started = System.nanoTime();
                    s.execute(sql);
                    runs.add((System.nanoTime() - started) / 1e9);
                }
                c.rollback();
            }
        }
        runs.sort(Double::compare);
        return runs.get(1);
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
