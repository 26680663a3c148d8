package io.dbshift.analysis.rehearse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.analysis.ScriptLoader;
import io.dbshift.localstack.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Up, down, compare, up again, on a real PostgreSQL, with migrations laid out on disk as Diesel lays them out. */
class RehearsalTest {
    static final LocalPostgres postgres = LocalPostgres.shared();

    @TempDir
    Path dir;

    Connection connection;

    @BeforeEach
    void database() throws SQLException {
        postgres.recreateDatabase("rehearsal_test");
        connection = postgres.connect("rehearsal_test");
    }

    void migration(String folder, String up, String down, boolean transactional) throws Exception {
        Path m = Files.createDirectories(dir.resolve(folder));
        Files.writeString(m.resolve("up.sql"), up);
        if (down != null) {
            Files.writeString(m.resolve("down.sql"), down);
        }
        if (!transactional) {
            Files.writeString(m.resolve("metadata.toml"), "run_in_transaction = false\n");
        }
    }

    Rehearsal.Report rehearse() throws SQLException {
        List<String> lines = new ArrayList<>();
        return Rehearsal.run(connection, ScriptLoader.reversible(List.of(dir)), lines::add);
    }

    @Test
    void everyKindOfDownScriptIsToldApart() throws Exception {
        migration(
                "2020-01-01-000001_users",
                "CREATE TABLE users (id bigint PRIMARY KEY, email text);",
                "DROP TABLE users;",
                true);
        migration(
                "2020-01-01-000002_broken_down",
                "ALTER TABLE users ADD COLUMN name text;",
                "-- the column was misspelt\nALTER TABLE users\n  DROP COLUMN nmae;",
                true);
        migration(
                "2020-01-01-000003_incomplete_down",
                "CREATE INDEX users_email ON users (email);\nALTER TABLE users ADD COLUMN age int;",
                "ALTER TABLE users DROP COLUMN age;",
                true);
        migration("2020-01-01-000004_irreversible", "ALTER TABLE users ADD COLUMN born date;", "-- none\n", true);
        migration(
                "2020-01-01-000005_concurrently",
                "CREATE INDEX CONCURRENTLY users_born ON users (born);",
                "DROP INDEX CONCURRENTLY users_born;",
                false);
        migration("2020-01-01-000006_no_down_file", "ALTER TABLE users ADD COLUMN city text;", null, true);

        Rehearsal.Report report = rehearse();

        assertFalse(report.stopped());
        Map<String, Rehearsal.Verdict> verdicts = new java.util.LinkedHashMap<>();
        report.outcomes().forEach(o -> verdicts.put(o.version(), o.verdict()));
        assertEquals(
                Map.of(
                        "2020-01-01-000001", Rehearsal.Verdict.REVERSIBLE,
                        "2020-01-01-000002", Rehearsal.Verdict.DOWN_FAILED,
                        "2020-01-01-000003", Rehearsal.Verdict.DOWN_INCOMPLETE,
                        "2020-01-01-000004", Rehearsal.Verdict.IRREVERSIBLE,
                        "2020-01-01-000005", Rehearsal.Verdict.REVERSIBLE,
                        "2020-01-01-000006", Rehearsal.Verdict.IRREVERSIBLE),
                verdicts);
        Rehearsal.Refusal refusal = report.outcomes().get(1).refusal();
        assertEquals("2020-01-01-000002_broken_down/down.sql", refusal.script());
        assertEquals(2, refusal.line(), "the line of the refused statement, the comment before it counted");
        assertEquals("42703", refusal.sqlState());
        assertTrue(
                refusal.message().contains("column \"nmae\" of relation \"users\" does not exist"), refusal.message());
        List<String> left = report.outcomes().get(2).differences();
        assertEquals(1, left.size(), left.toString());
        assertTrue(
                left.get(0).startsWith("+ index on ") && left.get(0).contains("users_email"),
                "down forgot the index up created: " + left);
        assertEquals(
                "42P07",
                report.outcomes().get(2).refusal().sqlState(),
                "and up again was refused: the index down forgot is in the way");
        assertFalse(report.allReversible(true));
        // The state the rehearsal leaves is every up applied, as production would have it: the down and the second up
        // of a transactional pair were rolled back together when the second up was refused.
        assertEquals(1, count("SELECT count(*) FROM pg_indexes WHERE indexname = 'users_born'"));
        assertEquals(
                1,
                count("SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name ="
                        + " 'age'"));
        assertEquals(
                1,
                count(
                        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'city'"));
    }

    @Test
    void aRefusedUpStopsTheRehearsalThere() throws Exception {
        migration("1_users", "CREATE TABLE users (id bigint PRIMARY KEY);", "DROP TABLE users;", true);
        migration(
                "2_orders", "CREATE TABLE orders (user_id bigint REFERENCES userz (id));", "DROP TABLE orders;", true);
        migration(
                "3_never", "ALTER TABLE orders ADD COLUMN amount int;", "ALTER TABLE orders DROP COLUMN amount;", true);

        Rehearsal.Report report = rehearse();

        assertTrue(report.stopped());
        assertEquals(2, report.outcomes().size());
        assertEquals(Rehearsal.Verdict.UP_FAILED, report.outcomes().get(1).verdict());
        assertEquals("42P01", report.outcomes().get(1).refusal().sqlState());
        assertNull(report.outcomes().get(0).refusal());
        assertEquals(0, count("SELECT count(*) FROM pg_tables WHERE tablename = 'orders'"), "rolled back whole");
    }

    @Test
    void aDownThatLeavesTheTableBehindIsIncompleteAndItsSecondUpIsRefused() throws Exception {
        migration(
                "1_seed",
                "CREATE TABLE IF NOT EXISTS plans (id int PRIMARY KEY);\nINSERT INTO plans VALUES (1);",
                "DELETE FROM plans WHERE false;",
                true);

        Rehearsal.Report report = rehearse();

        // down left the table and its row, so the schema differs from before up: the table is still there
        Rehearsal.Outcome seed = report.outcomes().get(0);
        assertEquals(Rehearsal.Verdict.DOWN_INCOMPLETE, seed.verdict());
        assertTrue(
                seed.differences().contains("+ table plans"), seed.differences().toString());
        assertEquals("23505", seed.refusal().sqlState(), "and up again was refused: the row was left too");
    }

    @Test
    void anUpThatCannotRunAgainAfterAFullRollbackIsARedoFailure() throws Exception {
        migration("1_plans", "CREATE TABLE plans (id int PRIMARY KEY);", "DROP TABLE plans;", true);
        // Down restores the schema exactly, but not the row up inserted into a table it did not create.
        migration(
                "2_pro",
                "CREATE TABLE pro_features (name text);\nINSERT INTO plans VALUES (2);",
                "DROP TABLE pro_features;",
                true);

        Rehearsal.Report report = rehearse();

        Rehearsal.Outcome pro = report.outcomes().get(1);
        assertEquals(Rehearsal.Verdict.REDO_FAILED, pro.verdict());
        assertEquals("23505", pro.refusal().sqlState());
        assertEquals(2, pro.refusal().line());
        assertEquals(1, count("SELECT count(*) FROM pg_tables WHERE tablename = 'pro_features'"), "back to after up");
    }

    private long count(String sql) throws SQLException {
        try (ResultSet rs = connection.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
