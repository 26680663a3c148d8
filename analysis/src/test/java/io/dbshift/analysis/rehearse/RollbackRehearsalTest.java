package io.dbshift.analysis.rehearse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.analysis.Script;
import io.dbshift.analysis.schema.SchemaSnapshotter;
import io.dbshift.contracts.schema.SchemaSnapshot;
import io.dbshift.localstack.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rollback proven where the migration was applied and its data changed, as on staging: downs, comparison, ups
 * again, all rolled back. On a real PostgreSQL.
 */
class RollbackRehearsalTest {
    static final LocalPostgres postgres = LocalPostgres.shared();

    Connection connection;
    SchemaSnapshot before;
    Map<String, Long> baseline = Map.of("users", 100L, "orders", 10L);

    @BeforeEach
    void staging() throws SQLException {
        postgres.recreateDatabase("rollback_test");
        connection = postgres.connect("rollback_test");
        sql("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL)");
        sql("INSERT INTO users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 100) g");
        sql("CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users)");
        sql("INSERT INTO orders SELECT g, g FROM generate_series(1, 10) g");
        before = SchemaSnapshotter.take(connection);
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    /** Applies the up scripts as the apply step did (each on its own, CONCURRENTLY allowed), then rehearses. */
    RollbackRehearsal.Result applyThenRehearse(String[]... upDown) throws SQLException {
        List<Reversible> migrations = new java.util.ArrayList<>();
        for (int i = 0; i < upDown.length; i++) {
            String version = String.valueOf(i + 2);
            for (io.dbshift.analysis.sql.Statement st : io.dbshift.analysis.sql.ScriptSplitter.split(upDown[i][0])) {
                sql(st.sql());
            }
            migrations.add(new Reversible(
                    new Script(version, "V" + version + "__up.sql", upDown[i][0], true),
                    upDown[i][1] == null
                            ? null
                            : new Script(version, "U" + version + "__down.sql", upDown[i][1], true)));
        }
        last = migrations;
        return RollbackRehearsal.rehearse(connection, migrations, before, baseline);
    }

    /** The migrations of the last {@link #applyThenRehearse}, to rehearse them again. */
    List<Reversible> last;

    @Test
    void aRollbackThatRestoresSchemaAndRowsIsReversibleAndLeavesTheDatabaseAsItWas() throws Exception {
        RollbackRehearsal.Result r = applyThenRehearse(
                new String[] {
                    "ALTER TABLE users ADD COLUMN avatar_url text;"
                            + " CREATE INDEX CONCURRENTLY users_avatar ON users (avatar_url);",
                    "DROP INDEX CONCURRENTLY users_avatar; ALTER TABLE users DROP COLUMN avatar_url;"
                },
                new String[] {"CREATE TABLE audit (at timestamptz);", "DROP TABLE audit;"});
        sql("UPDATE users SET avatar_url = 'a'"); // as the backfill did before the rehearsal

        r = RollbackRehearsal.rehearse(connection, last, before, baseline);

        assertEquals(RollbackRehearsal.Verdict.REVERSIBLE, r.verdict(), r.toString());
        assertNull(r.refusal());
        assertTrue(r.differences().isEmpty(), r.differences().toString());
        assertEquals(Map.of("users", 100L, "orders", 10L), r.rowCounts());
        assertTrue(r.locks().contains("users AccessExclusiveLock"), r.locks().toString());
        // Rolled back: the column, its index, its values and the new table are all still there.
        assertEquals(1, count("SELECT count(*) FROM pg_indexes WHERE indexname = 'users_avatar'"));
        assertEquals(100, count("SELECT count(*) FROM users WHERE avatar_url = 'a'"));
        assertEquals(0, count("SELECT count(*) FROM audit"));
    }

    @Test
    void withoutTheSchemaBeforeOnlyTheDownsAndTheUpsAgainAreProven() throws Exception {
        RollbackRehearsal.Result r = applyThenRehearse(new String[] {
            "ALTER TABLE users ADD COLUMN nickname text; CREATE TABLE audit (at timestamptz);",
            "ALTER TABLE users DROP COLUMN nickname; DROP TABLE audit;"
        });
        assertTrue(r.comparedWithBefore());

        r = RollbackRehearsal.rehearse(connection, last, null, baseline);

        assertEquals(RollbackRehearsal.Verdict.REVERSIBLE, r.verdict(), r.toString());
        assertFalse(r.comparedWithBefore());
        assertTrue(r.rowCounts().isEmpty(), "no baseline to compare with");

        // A down that forgets the table still shows: the up cannot create it again.
        r = RollbackRehearsal.rehearse(
                connection,
                List.of(new Reversible(
                        last.get(0).up(),
                        new Script("2", "U2__down.sql", "ALTER TABLE users DROP COLUMN nickname;", true))),
                null,
                baseline);
        assertEquals(RollbackRehearsal.Verdict.REDO_FAILED, r.verdict());
        assertEquals("42P07", r.refusal().sqlState());
    }

    @Test
    void aRealRollbackCommitsTheDownsRemovesTheVersionsAndVerifiesAgainstBefore() throws Exception {
        sql("CREATE TABLE dbshift_schema_history (version text)");
        before = SchemaSnapshotter.take(connection);
        applyThenRehearse(new String[] {
            "ALTER TABLE users ADD COLUMN avatar_url text; CREATE INDEX CONCURRENTLY users_avatar ON users (avatar_url);",
            "DROP INDEX CONCURRENTLY users_avatar; ALTER TABLE users DROP COLUMN avatar_url;"
        });
        sql("INSERT INTO dbshift_schema_history VALUES ('1'), ('2')");

        RollbackRehearsal.RolledBack r =
                RollbackRehearsal.rollBack(connection, last, before, baseline.keySet(), "dbshift_schema_history");

        assertNull(r.refusal());
        assertEquals(List.of(), r.differences());
        assertEquals(100, r.rowCounts().get("users")[0], "counted before the downs");
        assertEquals(100, r.rowCounts().get("users")[1], "and after");
        assertEquals(0, count("SELECT count(*) FROM information_schema.columns WHERE column_name = 'avatar_url'"));
        assertEquals(1, count("SELECT count(*) FROM dbshift_schema_history"), "version 2 removed, 1 kept");
    }

    @Test
    void aRealRollbackThatPostgresRefusesChangesNothing() throws Exception {
        applyThenRehearse(new String[] {
            "ALTER TABLE users ADD COLUMN a text; ALTER TABLE users ADD COLUMN b text;",
            "ALTER TABLE users DROP COLUMN a; ALTER TABLE users DROP COLUMN nope;"
        });

        RollbackRehearsal.RolledBack r =
                RollbackRehearsal.rollBack(connection, last, before, baseline.keySet(), "dbshift_schema_history");

        assertEquals("42703", r.refusal().sqlState());
        assertEquals(
                1, count("SELECT count(*) FROM information_schema.columns WHERE column_name = 'a'"), "rolled back");
    }

    @Test
    void aDownThatLeavesSomethingBehindIsIncompleteNamingIt() throws Exception {
        RollbackRehearsal.Result r = applyThenRehearse(new String[] {
            "ALTER TABLE users ADD COLUMN nickname text; CREATE TABLE audit (at timestamptz);",
            "ALTER TABLE users DROP COLUMN nickname;"
        });

        assertEquals(RollbackRehearsal.Verdict.DOWN_INCOMPLETE, r.verdict());
        assertEquals(List.of("+ table audit"), r.differences());
        assertEquals(1, count("SELECT count(*) FROM information_schema.tables WHERE table_name = 'audit'"));
    }

    @Test
    void aDownRefusedOnTheMigratedDataIsNamedWithPostgresqlsError() throws Exception {
        // The up allows NULL emails, the application (or a backfill) writes some: the down cannot put NOT NULL back.
        RollbackRehearsal.Result r = applyThenRehearse(new String[] {
            "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
            "-- put the constraint back\nALTER TABLE users ALTER COLUMN email SET NOT NULL;"
        });
        assertEquals(RollbackRehearsal.Verdict.REVERSIBLE, r.verdict(), "without NULLs the down works");

        sql("UPDATE users SET email = NULL WHERE id = 7");
        r = RollbackRehearsal.rehearse(connection, last, before, baseline);

        assertEquals(RollbackRehearsal.Verdict.DOWN_FAILED, r.verdict());
        assertEquals("23502", r.refusal().sqlState());
        assertEquals(2, r.refusal().line());
        assertEquals("U2__down.sql", r.refusal().script());
        assertTrue(
                r.refusal().message().contains("contains null values"),
                r.refusal().message());
    }

    @Test
    void aDownThatDeletesRowsItDidNotAddIsDataChanged() throws Exception {
        RollbackRehearsal.Result r = applyThenRehearse(
                new String[] {"INSERT INTO orders VALUES (11, 1), (12, 2);", "DELETE FROM orders WHERE user_id < 5;"});

        assertEquals(RollbackRehearsal.Verdict.DATA_CHANGED, r.verdict());
        assertEquals(List.of("orders has 6 rows after the rollback, 10 before the migration"), r.differences());
        assertEquals(12, count("SELECT count(*) FROM orders"), "rolled back");
    }

    @Test
    void aDownThatRewritesATableTheMigrationDoesNotTouchIsCaughtByItsChecksumThoughItsCountHolds() throws Exception {
        RollbackRehearsal.Result r = applyThenRehearse(new String[] {
            "ALTER TABLE users ADD COLUMN a text;",
            "ALTER TABLE users DROP COLUMN a; DELETE FROM orders WHERE id = 1; INSERT INTO orders VALUES (1, 2);"
        });
        assertEquals(RollbackRehearsal.Verdict.REVERSIBLE, r.verdict(), "row counts alone do not see it");

        r = RollbackRehearsal.rehearse(connection, last, before, baseline, List.of("public.orders"));

        assertEquals(RollbackRehearsal.Verdict.DATA_CHANGED, r.verdict());
        assertTrue(
                r.differences().get(0).startsWith("public.orders: its rows changed under the down scripts"),
                r.toString());
        assertEquals(List.of("public.orders"), r.tablesChecksummed());

        RollbackRehearsal.Result clean = RollbackRehearsal.rehearse(
                connection,
                List.of(new Reversible(
                        last.get(0).up(), new Script("2", "U2__down.sql", "ALTER TABLE users DROP COLUMN a;", true))),
                before,
                baseline,
                List.of("public.orders"));
        assertEquals(RollbackRehearsal.Verdict.REVERSIBLE, clean.verdict(), clean.toString());
        assertEquals(List.of("public.orders"), clean.tablesChecksummed());
    }

    @Test
    void aMigrationWithoutADownScriptIsIrreversibleAndNothingRuns() throws Exception {
        RollbackRehearsal.Result r = applyThenRehearse(
                new String[] {"ALTER TABLE users ADD COLUMN a text;", "ALTER TABLE users DROP COLUMN a;"},
                new String[] {"ALTER TABLE users ADD COLUMN b text;", "  -- nothing to undo\n"});

        assertEquals(RollbackRehearsal.Verdict.IRREVERSIBLE, r.verdict());
        assertEquals(List.of("3"), r.irreversibleVersions());
    }

    @Test
    void anUpThatCannotRunAgainAfterItsDownIsRedoFailed() throws Exception {
        // The down leaves the up's row behind (not a table the baseline counts), so the up's second run collides.
        baseline = Map.of("users", 100L);
        RollbackRehearsal.Result r = applyThenRehearse(new String[] {
            "ALTER TABLE orders ADD COLUMN note text; INSERT INTO orders (id, user_id) VALUES (11, 1);",
            "ALTER TABLE orders DROP COLUMN note;"
        });

        assertEquals(RollbackRehearsal.Verdict.REDO_FAILED, r.verdict());
        assertEquals("23505", r.refusal().sqlState());
        assertEquals("V2__up.sql", r.refusal().script());
    }

    private void sql(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String sql) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
