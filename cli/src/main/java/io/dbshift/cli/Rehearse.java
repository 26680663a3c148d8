package io.dbshift.cli;

import io.dbshift.analysis.ScriptLoader;
import io.dbshift.analysis.rehearse.Rehearsal;
import io.dbshift.analysis.rehearse.Reversible;
import io.dbshift.analysis.replay.AnalysisException;
import io.dbshift.analysis.replay.Server;
import io.dbshift.contracts.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dbshift rehearse}: prove each migration's rollback before production needs it. */
@Command(
        name = "rehearse",
        description = {
            "Rehearse every migration up, down and up again on a scratch database, in order. After each down the",
            "schema must equal the one before its up, and after the second up the one after the first. Broken down",
            "scripts are named with PostgreSQL's error; migrations without a down script are reported as",
            "irreversible. The scratch database is created on the target's server and always dropped."
        },
        footer = {
            "",
            "Examples:",
            "  dbshift rehearse migrations/ --against jdbc:postgresql://localhost:5432/shop",
            "  dbshift rehearse ../shared/corpus/crates.io/migrations --against jdbc:postgresql://localhost/postgres \\",
            "      --from-empty",
            "",
            "Down scripts: down.sql beside up.sql (Diesel, golang-migrate) or beside Prisma's migration.sql, and",
            "Flyway's U<version>__name.sql undo files. Diesel's metadata.toml run_in_transaction = false is honoured.",
            "Exit codes: 0 every migration reversible (or irreversible and accepted with --accept-irreversible),",
            "1 a rollback would fail or not restore the schema, 2 an up script was refused or bad usage, 3 the",
            "server could not be reached, 10 unexpected."
        })
final class Rehearse extends DbShift.Verb {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Migration folders or files.")
    List<Path> paths;

    @CommandLine.Mixin
    TargetOptions target;

    @Option(names = "--from-empty", description = "Start from an empty database instead of the target's schema.")
    boolean fromEmpty;

    @Option(names = "--accept-irreversible", description = "Migrations without a down script do not fail the run.")
    boolean acceptIrreversible;

    @Option(names = "--verbose", description = "Print each migration that is not reversible as it is found.")
    boolean verbose;

    @Override
    public Integer call() {
        Server server = target.server();
        PrintWriter err = spec.commandLine().getErr();
        Rehearsal.Report report;
        try {
            List<Reversible> migrations = ScriptLoader.reversible(paths);
            if (migrations.isEmpty()) {
                throw new CliException(ExitCode.INVALID, "no migration files found in " + paths);
            }
            report = Rehearsal.onScratch(server, migrations, fromEmpty, line -> {
                if (verbose) {
                    err.println("  " + line);
                }
            });
        } catch (AnalysisException.Unreachable e) {
            throw new CliException(ExitCode.UNREACHABLE, e.getMessage());
        } catch (AnalysisException e) {
            throw new CliException(ExitCode.INVALID, e.getMessage());
        }
        if (root.json) {
            out().println(Json.write(report));
        } else {
            print(report, out());
        }
        if (report.stopped()) {
            return ExitCode.INVALID;
        }
        return report.allReversible(acceptIrreversible) ? ExitCode.OK : ExitCode.MIGRATION_FAILED;
    }

    static void print(Rehearsal.Report report, PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "%d migrations rehearsed up, down and up in %.1f s: %d reversible, %d irreversible, %d down refused,"
                        + " %d down incomplete, %d second up failed%n",
                report.outcomes().size(),
                report.millis() / 1000.0,
                report.count(Rehearsal.Verdict.REVERSIBLE),
                report.count(Rehearsal.Verdict.IRREVERSIBLE),
                report.count(Rehearsal.Verdict.DOWN_FAILED),
                report.count(Rehearsal.Verdict.DOWN_INCOMPLETE),
                report.count(Rehearsal.Verdict.REDO_FAILED));
        for (Rehearsal.Outcome o : report.outcomes()) {
            switch (o.verdict()) {
                case REVERSIBLE -> {}
                case IRREVERSIBLE -> out.println("  " + o.name() + ": irreversible (no down script)");
                case UP_FAILED ->
                    out.println("  " + o.name() + ": up refused, the rehearsal stopped here: " + o.refusal());
                case DOWN_FAILED -> out.println("  " + o.name() + ": rollback refused: " + o.refusal());
                case DOWN_INCOMPLETE -> {
                    out.println("  " + o.name() + ": rollback does not restore the schema:");
                    o.differences().forEach(d -> out.println("      " + d));
                    if (o.refusal() != null) {
                        out.println("    and up again was refused: " + o.refusal());
                    }
                }
                case REDO_FAILED -> {
                    out.println("  " + o.name() + ": up again after the rollback "
                            + (o.refusal() != null ? "was refused: " + o.refusal() : "gives another schema:"));
                    o.differences().forEach(d -> out.println("      " + d));
                }
            }
        }
    }
}
