package io.dbshift.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbshift.analysis.judge.Judge;
import io.dbshift.analysis.judge.Rates;
import io.dbshift.analysis.judge.RiskRules;
import io.dbshift.analysis.judge.ScriptFindings;
import io.dbshift.analysis.judge.TableStats;
import io.dbshift.analysis.replay.AnalysisException;
import io.dbshift.analysis.replay.AppliedVersions;
import io.dbshift.analysis.replay.Observation;
import io.dbshift.analysis.replay.Replayer;
import io.dbshift.analysis.replay.ScratchDatabase;
import io.dbshift.analysis.replay.Server;
import io.dbshift.contracts.schema.Finding;
import io.dbshift.contracts.schema.StatementAnalysis;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Analyses a migration with PostgreSQL as the judge: makes a scratch database on the target's server with the
 * target's schema and no rows, replays every statement there (see {@link Replayer}), judges what each did against the
 * target's real table sizes, and drops the scratch database whatever happens.
 */
public final class Analyzer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Rates rates;
    private final Consumer<String> progress;
    private final String lockTimeout;

    /**
     * @param lockTimeout the {@code lock_timeout} the migration tool sets on its session before it runs a script (the
     *     executor's {@code dbshift.executor.lock-timeout}); null when it sets none
     */
    public Analyzer(Rates rates, Consumer<String> progress, String lockTimeout) {
        this.rates = rates;
        this.progress = progress;
        this.lockTimeout = lockTimeout;
    }

    public Analyzer(Rates rates, Consumer<String> progress) {
        this(rates, progress, null);
    }

    public Analyzer() {
        this(Rates.DEFAULT, line -> {});
    }

    /** Against a live target: its schema is copied, its sizes and planner estimates are read. */
    public Analysis against(Server target, List<Script> scripts) {
        long started = System.currentTimeMillis();
        TargetFacts facts = TargetFacts.read(target);
        try (ScratchDatabase scratch = ScratchDatabase.create(target)) {
            progress.accept("copying the schema of " + target + " into scratch database " + scratch.name());
            scratch.copySchemaOf(target);
            return replay(scratch, facts, scripts, started);
        }
    }

    /**
     * Copies the target's schema once, for analysing many migrations against it, each on a fresh copy of that copy
     * (CREATE DATABASE … TEMPLATE, much faster than pg_dump and psql again).
     */
    public Prepared prepare(Server target) {
        TargetFacts facts = TargetFacts.read(target);
        ScratchDatabase template = ScratchDatabase.create(target);
        try {
            template.copySchemaOf(target);
        } catch (RuntimeException e) {
            template.close();
            throw e;
        }
        return new Prepared(facts, template);
    }

    /** A target whose schema has been copied once; see {@link #prepare}. */
    public final class Prepared implements AutoCloseable {
        private final TargetFacts facts;
        private final ScratchDatabase template;

        private Prepared(TargetFacts facts, ScratchDatabase template) {
            this.facts = facts;
            this.template = template;
        }

        public Analysis analyze(List<Script> scripts) {
            long started = System.currentTimeMillis();
            try (ScratchDatabase scratch = ScratchDatabase.copyOf(template)) {
                return replay(scratch, facts, scripts, started);
            }
        }

        @Override
        public void close() {
            template.close();
        }
    }

    /** What the analysis reads from a live target: its tables' sizes, and the versions its history has applied. */
    private record TargetFacts(Server target, Map<String, TableStats> stats, Set<String> applied) {
        static TargetFacts read(Server target) {
            try (Connection c = target.connect()) {
                return new TargetFacts(target, TableStats.of(c), AppliedVersions.of(c));
            } catch (SQLException e) {
                throw new AnalysisException.Unreachable("cannot reach " + target + ": " + e.getMessage(), e);
            }
        }

        boolean applied(Script script) {
            return applied.contains(AppliedVersions.normalize(script.version()));
        }
    }

    /** Replays what the target has not applied yet; what it has is listed, not replayed. */
    private Analysis replay(ScratchDatabase scratch, TargetFacts facts, List<Script> scripts, long started) {
        List<String> alreadyApplied =
                scripts.stream().filter(facts::applied).map(Script::version).toList();
        if (!alreadyApplied.isEmpty()) {
            progress.accept(
                    "already applied on " + facts.target() + ", not replayed: " + String.join(", ", alreadyApplied));
        }
        List<Script> pending = scripts.stream().filter(s -> !facts.applied(s)).toList();
        return replay(
                scratch,
                pending,
                facts.stats(),
                Optional.of(facts.target()),
                facts.target().toString(),
                alreadyApplied,
                started);
    }

    /** Against a schema file loaded into a scratch database on {@code server}; table sizes are unknown. */
    public Analysis againstSchemaFile(Server server, Path schema, List<Script> scripts) {
        long started = System.currentTimeMillis();
        try (ScratchDatabase scratch = ScratchDatabase.create(server)) {
            progress.accept("loading " + schema + " into scratch database " + scratch.name());
            scratch.loadSchemaFile(schema);
            return replay(scratch, scripts, Map.of(), Optional.empty(), "schema file " + schema, List.of(), started);
        }
    }

    /** From an empty database: a whole migration history replayed from its first file. */
    public Analysis fromEmpty(Server server, List<Script> scripts) {
        long started = System.currentTimeMillis();
        try (ScratchDatabase scratch = ScratchDatabase.create(server)) {
            return replay(scratch, scripts, Map.of(), Optional.empty(), "an empty database", List.of(), started);
        }
    }

    private Analysis replay(
            ScratchDatabase scratch,
            List<Script> scripts,
            Map<String, TableStats> stats,
            Optional<Server> target,
            String against,
            List<String> alreadyApplied,
            long started) {
        Judge judge = new Judge(stats, rates, target.isPresent());
        Map<Script, List<Observation>> observed = new LinkedHashMap<>();
        Map<Script, List<StatementAnalysis>> judged = new LinkedHashMap<>();
        String version;
        try (Connection c = scratch.connect();
                Connection t = target.isPresent() ? target.get().connect() : null) {
            version = c.getMetaData().getDatabaseProductVersion();
            new Replayer(c, lockTimeout).replay(scripts, o -> {
                Long rows = o.shape().isDataChange() && t != null ? plannedRows(t, o, stats) : null;
                StatementAnalysis a = judge.judge(o, rows);
                observed.computeIfAbsent(o.script(), s -> new ArrayList<>()).add(o);
                judged.computeIfAbsent(o.script(), s -> new ArrayList<>()).add(a);
                progress.accept(o.script().name() + " statement "
                        + o.statement().index() + ": " + a.kind() + " — " + a.classification());
            });
        } catch (SQLException e) {
            throw new AnalysisException(
                    "replay on scratch database " + scratch.name() + " failed: " + e.getMessage(), e);
        }
        List<StatementAnalysis> statements = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        for (Script s : scripts) {
            List<StatementAnalysis> a = judged.getOrDefault(s, List.of());
            statements.addAll(a);
            findings.addAll(ScriptFindings.of(s, observed.getOrDefault(s, List.of()), a));
        }
        return new Analysis(
                version,
                against,
                scripts.size(),
                statements,
                findings,
                RiskRules.assess(statements, findings, stats),
                alreadyApplied,
                System.currentTimeMillis() - started);
    }

    /**
     * The rows the target's planner expects a data change to touch: EXPLAIN, which plans and does not run it, in a
     * read-only transaction. A statement that names something only the migration creates cannot be planned there;
     * then the table's own estimate is the bound, or null when it is not known either.
     */
    static Long plannedRows(Connection target, Observation o, Map<String, TableStats> stats) {
        try {
            target.setAutoCommit(false);
            target.setReadOnly(true);
            try (Statement s = target.createStatement()) {
                s.execute("SET LOCAL statement_timeout = '5s'");
                try (ResultSet rs =
                        s.executeQuery("EXPLAIN (FORMAT JSON) " + o.statement().sql())) {
                    rs.next();
                    return planRows(rs.getString(1));
                }
            } finally {
                target.rollback();
                target.setReadOnly(false);
                target.setAutoCommit(true);
            }
        } catch (SQLException e) {
            String table = o.shape().table();
            TableStats t = table == null ? null : stats.get(table);
            return t == null ? null : t.rowsOrGuess();
        }
    }

    /** The estimate of the node under ModifyTable: the rows it will change. */
    static Long planRows(String json) {
        try {
            JsonNode plan = JSON.readTree(json).path(0).path("Plan");
            JsonNode source = plan.path("Node Type").asText().equals("ModifyTable")
                            && plan.path("Plans").size() > 0
                    ? plan.path("Plans").path(0)
                    : plan;
            return source.has("Plan Rows") ? source.path("Plan Rows").asLong() : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
