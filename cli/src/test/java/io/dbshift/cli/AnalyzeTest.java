package io.dbshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbshift.contracts.Json;
import io.dbshift.localstack.LocalPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dbshift analyze} against a real PostgreSQL: output, JSON, and the exit codes CI gates on. */
class AnalyzeTest {
    static LocalPostgres postgres;

    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeAll
    static void target() throws Exception {
        postgres = LocalPostgres.shared();
        postgres.recreateDatabase("cli_analyze");
        try (Connection c = postgres.connect("cli_analyze");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, name text)");
            s.execute("INSERT INTO users (email) SELECT 'u' || g FROM generate_series(1, 5000) g");
            s.execute("ANALYZE users");
        }
    }

    int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!postgres.password().isEmpty()) {
            all.addAll(List.of("--password", postgres.password()));
        }
        return DbShift.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    }

    Path migration(String name, String sql) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, sql);
        return file;
    }

    String url() {
        return postgres.jdbcUrl("cli_analyze");
    }

    @Test
    void printsEachStatementWithItsLocksAndGatesOnUnsafe() throws Exception {
        migration("V2__avatar.sql", "ALTER TABLE users ADD COLUMN avatar_url text;\nCREATE INDEX ON users (name);\n");
        assertEquals(0, run("analyze", dir.toString(), "--against", url(), "--user", postgres.user()), err.toString());
        String text = out.toString();
        assertTrue(text.contains("lock users: ACCESS EXCLUSIVE (blocks reads and writes)"), text);
        assertTrue(text.contains("UNSAFE"), text);
        assertTrue(text.contains("safer: CREATE INDEX CONCURRENTLY"), text);
        assertEquals(
                ExitCode.MIGRATION_FAILED,
                run("analyze", dir.toString(), "--against", url(), "--user", postgres.user(), "--fail-on", "unsafe"));
        assertEquals(
                ExitCode.OK,
                run("analyze", dir.toString(), "--against", url(), "--user", postgres.user(), "--fail-on", "breaking"));
    }

    @Test
    void jsonHasOneEntryPerStatement() throws Exception {
        migration("V3__rename.sql", "ALTER TABLE users RENAME COLUMN name TO full_name;");
        assertEquals(0, run("--json", "analyze", dir.toString(), "--against", url(), "--user", postgres.user()));
        JsonNode analysis = Json.MAPPER.readTree(out.toString());
        JsonNode s = analysis.path("statements").get(0);
        assertEquals("BREAKING", s.path("classification").asText());
        assertEquals("AccessExclusiveLock", s.path("locks").get(0).path("mode").asText());
        assertTrue(s.path("unsafe").asBoolean());
        assertEquals("High", analysis.path("risk").path("level").asText());
    }

    @Test
    void aStatementPostgresqlRefusesIsNamedByFileLineAndColumn() throws Exception {
        migration("V4__typo.sql", "ALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b intt;\n");
        assertEquals(ExitCode.INVALID, run("analyze", dir.toString(), "--against", url(), "--user", postgres.user()));
        assertTrue(err.toString().contains("V4__typo.sql:2:32: type \"intt\" does not exist"), err.toString());
    }

    @Test
    void schemaDocumentsTheDatabaseAndDiffsASavedSnapshot() throws Exception {
        assertEquals(0, run("schema", "--against", url(), "--user", postgres.user()), err.toString());
        assertTrue(out.toString().contains("| email | text | no |"), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("--json", "schema", "--against", url(), "--user", postgres.user()));
        Path saved = migration("before.json", out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("schema", "--against", url(), "--user", postgres.user(), "--diff", saved.toString()));
        try (Connection c = postgres.connect("cli_analyze");
                Statement s = c.createStatement()) {
            s.execute("ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text");
        }
        try {
            out.getBuffer().setLength(0);
            assertEquals(
                    ExitCode.MIGRATION_FAILED,
                    run("schema", "--against", url(), "--user", postgres.user(), "--diff", saved.toString()));
            assertTrue(out.toString().contains("+ column users.nickname: text"), out.toString());
        } finally {
            try (Connection c = postgres.connect("cli_analyze");
                    Statement s = c.createStatement()) {
                s.execute("ALTER TABLE users DROP COLUMN nickname");
            }
        }
    }

    @Test
    void anUnreachableTargetExitsThreeWithoutThePassword() throws Exception {
        migration("V5__x.sql", "SELECT 1;");
        int code = DbShift.run(
                new String[] {
                    "analyze", dir.toString(), "--against", "jdbc:postgresql://127.0.0.1:1/shop?password=s3cret"
                },
                new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertEquals(ExitCode.UNREACHABLE, code);
        assertTrue(err.toString().contains("127.0.0.1:1/shop"), err.toString());
        assertFalse(err.toString().contains("s3cret"), err.toString());
    }
}
