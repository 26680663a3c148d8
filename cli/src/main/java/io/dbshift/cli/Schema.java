package io.dbshift.cli;

import io.dbshift.analysis.replay.Server;
import io.dbshift.analysis.schema.SchemaDiff;
import io.dbshift.analysis.schema.SchemaMarkdown;
import io.dbshift.analysis.schema.SchemaSnapshotter;
import io.dbshift.contracts.Json;
import io.dbshift.contracts.schema.SchemaSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dbshift schema}: the design phase's "document the current schema", and what changed since a saved copy. */
@Command(
        name = "schema",
        description = {
            "Document a database's schema: tables with columns, constraints (and whether validated), indexes (and",
            "whether valid), triggers, row estimates and sizes; views, sequences and functions. Markdown by default,",
            "JSON with --json. With --diff, what changed since a snapshot saved with --json."
        },
        footer = {
            "",
            "Examples:",
            "  dbshift schema --against jdbc:postgresql://localhost:5432/shop > schema.md",
            "  dbshift --json schema --against $DB_URL > before.json",
            "  dbshift schema --against $DB_URL --diff before.json",
            "",
            "Exit codes: 0 documented (for --diff: no difference), 1 --diff found differences, 2 bad usage,",
            "3 the database could not be reached."
        })
final class Schema extends DbShift.Verb {
    @CommandLine.Mixin
    TargetOptions target;

    @Option(names = "--diff", paramLabel = "FILE", description = "A snapshot saved with --json to compare with.")
    Path diff;

    @Override
    public Integer call() {
        Server server = target.server();
        SchemaSnapshot now;
        try (Connection c = server.connect()) {
            c.setReadOnly(true);
            now = SchemaSnapshotter.take(c);
        } catch (SQLException e) {
            throw new CliException(ExitCode.UNREACHABLE, "cannot read the schema of " + server + ": " + e.getMessage());
        }
        if (diff == null) {
            out().print(root.json ? Json.write(now) + "\n" : SchemaMarkdown.render(now));
            return ExitCode.OK;
        }
        SchemaSnapshot before;
        try {
            before = Json.read(Files.readString(diff), SchemaSnapshot.class);
        } catch (IOException | RuntimeException e) {
            throw new CliException(
                    ExitCode.INVALID, diff + " is not a snapshot saved with dbshift --json schema: " + e.getMessage());
        }
        List<SchemaDiff.Entry> changes = SchemaDiff.between(before, now);
        if (root.json) {
            out().println(Json.write(changes));
        } else if (changes.isEmpty()) {
            out().println("no difference between " + diff + " (" + before.takenAt() + ") and " + server);
        } else {
            changes.forEach(c -> out().println(c));
        }
        return changes.isEmpty() ? ExitCode.OK : ExitCode.MIGRATION_FAILED;
    }
}
