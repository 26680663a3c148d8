package io.dbshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.Json;
import io.dbshift.localstack.LocalPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dbshift rehearse} against a real PostgreSQL: the target's schema copied, applied versions skipped. */
class RehearseTest {
    static LocalPostgres postgres;

    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeAll
    static void target() throws Exception {
        postgres = LocalPostgres.shared();
        postgres.recreateDatabase("cli_rehearse");
        try (Connection c = postgres.connect("cli_rehearse");
                Statement s = c.createStatement()) {
            // Version 1 is applied already, as Diesel records it.
            s.execute("CREATE TABLE __diesel_schema_migrations (version varchar(50) PRIMARY KEY, run_on timestamp)");
            s.execute("INSERT INTO __diesel_schema_migrations VALUES ('1', now())");
            s.execute("CREATE TABLE users (id bigint PRIMARY KEY, email text)");
        }
    }

    int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--user", postgres.user()));
        if (!postgres.password().isEmpty()) {
            all.addAll(List.of("--password", postgres.password()));
        }
        return DbShift.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    }

    void migration(String folder, String up, String down) throws Exception {
        Path m = Files.createDirectories(dir.resolve(folder));
        Files.writeString(m.resolve("up.sql"), up);
        Files.writeString(m.resolve("down.sql"), down);
    }

    @Test
    void aBrokenRollbackExitsOneNamingTheFileAndPostgresError() throws Exception {
        migration("1_users", "CREATE TABLE users (id bigint PRIMARY KEY, email text);", "DROP TABLE users;");
        migration("2_name", "ALTER TABLE users ADD COLUMN name text;", "ALTER TABLE users DROP COLUMN nmae;");

        int exit = run("rehearse", dir.toString(), "--against", postgres.jdbcUrl("cli_rehearse"));

        assertEquals(1, exit, err.toString() + out);
        String text = out.toString();
        assertTrue(text.startsWith("1 migrations rehearsed up, down and up"), "version 1 is applied: " + text);
        assertTrue(
                text.contains("2_name/up.sql: rollback refused: 2_name/down.sql:1: column \"nmae\" of relation"
                        + " \"users\" does not exist (SQLSTATE 42703)"),
                text);
        try (Connection c = postgres.connect("cli_rehearse");
                ResultSet rs = c.createStatement()
                        .executeQuery(
                                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'name'")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "the target itself is never touched");
        }
    }

    @Test
    void reversibleMigrationsExitZeroAndJsonCarriesTheVerdicts() throws Exception {
        migration("2_name", "ALTER TABLE users ADD COLUMN name text;", "ALTER TABLE users DROP COLUMN name;");
        migration("3_index", "CREATE INDEX users_email ON users (email);", "DROP INDEX users_email;");

        int exit = run("rehearse", dir.toString(), "--against", postgres.jdbcUrl("cli_rehearse"), "--json");

        assertEquals(0, exit, err.toString() + out);
        var report = Json.MAPPER.readTree(out.toString());
        assertEquals(2, report.get("outcomes").size());
        report.get("outcomes")
                .forEach(o -> assertEquals("REVERSIBLE", o.get("verdict").asText(), o.toString()));
    }
}
