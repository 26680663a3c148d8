package io.dbshift.cli;

import io.dbshift.analysis.Analysis;
import io.dbshift.analysis.Analyzer;
import io.dbshift.analysis.Script;
import io.dbshift.analysis.ScriptLoader;
import io.dbshift.analysis.judge.Rates;
import io.dbshift.analysis.judge.Seconds;
import io.dbshift.analysis.replay.AnalysisException;
import io.dbshift.analysis.replay.LockModes;
import io.dbshift.analysis.replay.ReplayFailure;
import io.dbshift.analysis.replay.Server;
import io.dbshift.contracts.Json;
import io.dbshift.contracts.schema.ChangeClass;
import io.dbshift.contracts.schema.Finding;
import io.dbshift.contracts.schema.StatementAnalysis;
import io.dbshift.contracts.schema.TableLock;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dbshift analyze}: the design phase on its own, for a developer's machine or a CI job. */
@Command(
        name = "analyze",
        description = {
            "Judge every statement of a migration by replaying it on a scratch copy of the target:",
            "its class (non-breaking, breaking, data migration), the lock it takes on each table, whether it",
            "rewrites or scans the table and for about how long on the target, what old code it breaks, and the",
            "safe alternative. The scratch database is created on the target's server and always dropped."
        },
        footer = {
            "",
            "Examples:",
            "  dbshift analyze db/migration --against jdbc:postgresql://localhost:5432/shop --user app",
            "  dbshift analyze V7__split_name.sql --against $DB_URL --json --fail-on unsafe",
            "  dbshift analyze migrations/ --schema schema.sql --against jdbc:postgresql://localhost/postgres",
            "",
            "Layouts read: Flyway (V<n>__name.sql), up/down folders (<version>_<name>/up.sql, Diesel's",
            "metadata.toml honoured), Prisma (<timestamp>_<name>/migration.sql), plain .sql files in the order given.",
            "Exit codes: 0 nothing at the --fail-on level, 1 something is, 2 a statement PostgreSQL refused or bad",
            "usage, 3 the target could not be reached, 10 unexpected."
        })
final class Analyze extends DbShift.Verb {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Migration files or folders.")
    List<Path> paths;

    @CommandLine.Mixin
    TargetOptions target;

    @Option(
            names = "--schema",
            paramLabel = "FILE",
            description = "A schema file (pg_dump --schema-only) to analyse against instead of the target's schema.")
    Path schema;

    @Option(
            names = "--fail-on",
            paramLabel = "LEVEL",
            description = "Exit 1 when a statement is breaking, or unsafe (blocks the application for a time that grows"
                    + " with the table, or breaks old code).")
    String failOn;

    @Option(names = "--verbose", description = "Print each step of the analysis on standard error.")
    boolean verbose;

    @Option(
            names = "--lock-timeout",
            paramLabel = "DURATION",
            description = "The lock_timeout your migration tool sets before each file (e.g. 2s), if it sets one.")
    String lockTimeout;

    @Override
    public Integer call() {
        if (failOn != null && !List.of("breaking", "unsafe").contains(failOn)) {
            throw new CliException(ExitCode.INVALID, "--fail-on must be breaking or unsafe, not \"" + failOn + "\"");
        }
        Server server = target.server();
        PrintWriter err = spec.commandLine().getErr();
        Analyzer analyzer = new Analyzer(
                Rates.DEFAULT,
                line -> {
                    if (verbose) {
                        err.println("  " + line);
                    }
                },
                lockTimeout);
        Analysis analysis;
        try {
            List<Script> scripts = ScriptLoader.load(paths);
            if (scripts.isEmpty()) {
                throw new CliException(ExitCode.INVALID, "no migration files found in " + paths);
            }
            analysis = schema != null
                    ? analyzer.againstSchemaFile(server, schema, scripts)
                    : analyzer.against(server, scripts);
        } catch (ReplayFailure e) {
            throw new CliException(ExitCode.INVALID, e.getMessage());
        } catch (AnalysisException.Unreachable e) {
            throw new CliException(ExitCode.UNREACHABLE, e.getMessage());
        } catch (AnalysisException e) {
            throw new CliException(ExitCode.INVALID, e.getMessage());
        }
        if (root.json) {
            out().println(Json.write(analysis));
        } else {
            print(analysis, out());
        }
        boolean fail = "breaking".equals(failOn)
                        && analysis.statements().stream().anyMatch(s -> s.classification() == ChangeClass.BREAKING)
                || "unsafe".equals(failOn) && analysis.statements().stream().anyMatch(StatementAnalysis::unsafe);
        return fail ? ExitCode.MIGRATION_FAILED : ExitCode.OK;
    }

    static void print(Analysis a, PrintWriter out) {
        out.println(a.statements().size() + " statements in " + a.scripts() + " files, replayed on " + a.server()
                + " against " + a.against() + " (" + Seconds.format(a.millis() / 1000.0) + ")");
        if (!a.alreadyApplied().isEmpty()) {
            out.println("already applied on the target, not replayed: " + String.join(", ", a.alreadyApplied()));
        }
        Map<String, List<Finding>> findings = a.findings().stream().collect(Collectors.groupingBy(Finding::version));
        String version = null;
        for (StatementAnalysis s : a.statements()) {
            if (!Objects.equals(version, s.version())) {
                if (version != null) {
                    findings(findings.get(version), out);
                }
                version = s.version();
                out.println();
                out.println("version " + version);
            }
            out.printf(
                    Locale.ROOT,
                    "  %3d  line %-4d %-28s %s%s%n",
                    s.index(),
                    s.line(),
                    s.kind(),
                    s.classification().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    s.unsafe() ? "  UNSAFE" : "");
            out.println("       " + s.reason());
            for (TableLock l : s.locks()) {
                out.println("       lock " + l.table() + ": " + LockModes.display(l.mode()) + " (blocks " + l.blocks()
                        + ")" + (l.rewrite() ? ", rewrites it" : l.scan() ? ", scans it" : "")
                        + (l.estimatedSeconds() == null || l.estimatedSeconds() == 0
                                ? ""
                                : !l.blocks().equals("nothing")
                                        ? ", ~" + Seconds.format(l.estimatedSeconds()) + " on the target"
                                        : s.classification() == ChangeClass.DATA_MIGRATION
                                                ? ", the rows it changes stay locked ~"
                                                        + Seconds.format(l.estimatedSeconds())
                                                : ""));
            }
            s.breaks().forEach(b -> out.println("       breaks: " + b));
            if (s.unsafe()) {
                s.alternatives().forEach(alt -> out.println("       safer: " + alt));
            }
        }
        if (version != null) {
            findings(findings.get(version), out);
        }
        out.println();
        out.println("Risk: " + a.risk().level());
        a.risk().reasons().forEach(r -> out.println("  - " + r));
        Map<ChangeClass, Long> classes = a.statements().stream()
                .collect(Collectors.groupingBy(StatementAnalysis::classification, Collectors.counting()));
        out.println("Summary: " + classes.getOrDefault(ChangeClass.NON_BREAKING, 0L) + " non-breaking, "
                + classes.getOrDefault(ChangeClass.BREAKING, 0L) + " breaking, "
                + classes.getOrDefault(ChangeClass.DATA_MIGRATION, 0L) + " data migration; "
                + a.statements().stream().filter(StatementAnalysis::unsafe).count() + " unsafe");
    }

    private static void findings(List<Finding> findings, PrintWriter out) {
        if (findings != null) {
            findings.forEach(f -> out.println("  ! " + f.code() + ": " + f.message()));
        }
    }
}
