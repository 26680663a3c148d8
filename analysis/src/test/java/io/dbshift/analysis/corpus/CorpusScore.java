package io.dbshift.analysis.corpus;

import io.dbshift.analysis.Analysis;
import io.dbshift.analysis.Analyzer;
import io.dbshift.analysis.Script;
import io.dbshift.analysis.replay.Server;
import io.dbshift.contracts.schema.StatementAnalysis;
import io.dbshift.contracts.schema.TableLock;
import io.dbshift.localstack.LocalPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The analysis run on every corpus statement, each against a fresh copy of the populated base, and compared with the
 * measured ground truth: lock mode per table, rewrites, class and the unsafe flag.
 */
public record CorpusScore(List<Result> results) {

    /** One statement: what the analysis said and where it agrees with the corpus. */
    public record Result(Corpus.Entry entry, StatementAnalysis got, Map<String, String> locks, List<String> rewrites) {
        public boolean locksRight() {
            Map<String, String> expected = new TreeMap<>();
            entry.expect().locks().forEach((t, m) -> expected.put(t, m.pgName()));
            return expected.equals(locks);
        }

        public boolean rewritesRight() {
            return new TreeSet<>(entry.expect().rewrites()).equals(new TreeSet<>(rewrites));
        }

        public boolean classRight() {
            return entry.expect()
                    .classification()
                    .name()
                    .equals(got.classification().name());
        }

        public boolean unsafeRight() {
            return entry.expect().unsafe() == got.unsafe();
        }
    }

    public static final String TARGET = "corpus_target";

    /** Loads the base into {@value #TARGET} (with its rows, analysed) and judges every entry against it. */
    public static CorpusScore run(LocalPostgres postgres, Corpus corpus) throws Exception {
        postgres.recreateDatabase(TARGET);
        try (Connection c = postgres.connect(TARGET);
                Statement s = c.createStatement()) {
            s.execute("SET TimeZone = '" + Corpus.TIME_ZONE + "'");
            for (String statement : corpus.baseStatements()) {
                s.execute(statement);
            }
            s.execute("ANALYZE");
        }
        Server target = Server.parse(postgres.jdbcUrl(TARGET), postgres.user(), postgres.password());
        List<Result> results = new ArrayList<>();
        try (Analyzer.Prepared prepared = new Analyzer().prepare(target)) {
            for (Corpus.Entry e : corpus.entries()) {
                // As its own file: a non-transactional entry in a transactional file is a finding, not a failure.
                Analysis a = prepared.analyze(List.of(new Script(e.id(), e.id() + ".sql", e.sql(), e.transactional())));
                StatementAnalysis got = a.statements().get(0);
                Map<String, String> locks = new TreeMap<>();
                List<String> rewrites = new ArrayList<>();
                for (TableLock l : got.locks()) {
                    locks.put(l.table(), l.mode());
                    if (l.rewrite()) {
                        rewrites.add(l.table());
                    }
                }
                results.add(new Result(e, got, locks, rewrites));
            }
        }
        return new CorpusScore(results);
    }

    public long count(java.util.function.Predicate<Result> p) {
        return results.stream().filter(p).count();
    }

    public List<String> mismatches() {
        List<String> lines = new ArrayList<>();
        for (Result r : results) {
            if (!r.locksRight()) {
                lines.add(r.entry().id() + ": locks " + r.locks() + ", measured "
                        + r.entry().expect().locks());
            }
            if (!r.rewritesRight()) {
                lines.add(r.entry().id() + ": rewrites " + r.rewrites() + ", measured "
                        + r.entry().expect().rewrites());
            }
            if (!r.classRight()) {
                lines.add(r.entry().id() + ": " + r.got().classification() + ", corpus says "
                        + r.entry().expect().classification() + " (" + r.got().reason() + ")");
            }
            if (!r.unsafeRight()) {
                lines.add(r.entry().id() + ": unsafe=" + r.got().unsafe() + ", corpus says "
                        + r.entry().expect().unsafe() + " — " + r.got().reason() + " | corpus: "
                        + r.entry().expect().why());
            }
        }
        return lines;
    }
}
