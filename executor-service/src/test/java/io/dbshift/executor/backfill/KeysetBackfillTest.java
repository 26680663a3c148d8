package io.dbshift.executor.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.request.BackfillSpec;
import io.dbshift.contracts.result.BackfillCompleted.BackfillFigures;
import io.dbshift.localstack.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real PostgreSQL, with a trigger counting how often each row is updated. */
class KeysetBackfillTest {
    static LocalPostgres postgres;
    Connection connection;

    @BeforeAll
    static void start() {
        postgres = LocalPostgres.shared();
    }

    @BeforeEach
    void seed() throws SQLException {
        postgres.recreateDatabase("backfill_test");
        connection = postgres.connect("backfill_test");
        try (Statement s = connection.createStatement()) {
            s.execute(
                    "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, avatar_url text, updates int NOT NULL DEFAULT 0)");
            s.execute(
                    "INSERT INTO users (id, email) SELECT g * 3, 'u' || g || '@example.com' FROM generate_series(1, 2500) g");
            s.execute("""
          CREATE FUNCTION count_updates() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN NEW.updates := OLD.updates + 1; RETURN NEW; END $$""");
            s.execute(
                    "CREATE TRIGGER count_updates BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION count_updates()");
            s.execute("ANALYZE users");
        }
    }

    static BackfillSpec gravatar(int batchSize) {
        return new BackfillSpec("users", "id", "avatar_url = md5(lower(trim(email)))", "avatar_url IS NULL", batchSize);
    }

    @Test
    void everyRowIsUpdatedExactlyOnceInKeysetBatches() throws SQLException {
        List<KeysetBackfill.Progress> progress = new ArrayList<>();
        BackfillFigures figures = new KeysetBackfill("2s", "30s").run(connection, gravatar(1000), progress::add);
        assertEquals(2500, figures.rowsUpdated());
        assertEquals(3, figures.batches());
        assertEquals(
                0,
                count("SELECT count(*) FROM users WHERE avatar_url IS NULL OR avatar_url <> md5(lower(trim(email)))"));
        assertEquals(2500, count("SELECT count(*) FROM users WHERE updates = 1"));
        assertEquals(
                2500, progress.get(progress.size() - 1).rowsUpdated(), "the last progress report is the final figure");
    }

    @Test
    void runningAFinishedBackfillAgainUpdatesNothing() throws SQLException {
        KeysetBackfill engine = new KeysetBackfill("2s", "30s");
        engine.run(connection, gravatar(700), p -> {});
        BackfillFigures again = engine.run(connection, gravatar(700), p -> {});
        assertEquals(0, again.rowsUpdated());
        assertEquals(2500, again.rowsScanned());
        assertEquals(2500, count("SELECT count(*) FROM users WHERE updates = 1"));
    }

    @Test
    void aRowTheExpressionFailsOnStopsTheBackfillNamingTheBatchAndKeepsEarlierBatches() throws SQLException {
        BackfillSpec failing =
                new BackfillSpec("users", "id", "avatar_url = (1 / (id - 3000))::text", "avatar_url IS NULL", 500);
        KeysetBackfill.BatchFailedException e = assertThrows(
                KeysetBackfill.BatchFailedException.class,
                () -> new KeysetBackfill("2s", "30s").run(connection, failing, p -> {}));
        assertTrue(e.getMessage().contains("division by zero"), e.getMessage());
        // Rows up to key 1500 (500 rows per batch, keys step 3) were committed before the failing batch.
        assertTrue(e.getMessage().contains("after id = 1500"), e.getMessage());
        assertEquals("22012", e.sqlState());
        assertEquals(500, count("SELECT count(*) FROM users WHERE avatar_url IS NOT NULL"));
        assertEquals(
                0,
                count("SELECT count(*) FROM users WHERE id > 1500 AND updates > 0"),
                "part of the failing batch was applied");
    }

    @Test
    void percentSignsInTheOperatorsSqlAreSqlNotFormatting() throws SQLException {
        BackfillSpec likeSpec = new BackfillSpec(
                "users", "id", "avatar_url = 'x%' || id", "avatar_url IS NULL AND email LIKE 'u1%@example.com'", 1000);
        BackfillFigures figures = new KeysetBackfill("2s", "30s").run(connection, likeSpec, p -> {});
        assertEquals(count("SELECT count(*) FROM users WHERE email LIKE 'u1%@example.com'"), figures.rowsUpdated());
        assertEquals(1, count("SELECT count(*) FROM users WHERE id = 3 AND avatar_url = 'x%3'"));
    }

    @Test
    void aUuidKeyIsWalkedLikeAnyOther() throws SQLException {
        exec("CREATE TABLE devices (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), label text)");
        exec("INSERT INTO devices (label) SELECT NULL FROM generate_series(1, 1234)");
        BackfillFigures figures = new KeysetBackfill("2s", "30s")
                .run(connection, new BackfillSpec("devices", "id", "label = 'device'", "label IS NULL", 500), p -> {});
        assertEquals(1234, figures.rowsUpdated());
        assertEquals(3, figures.batches());
        assertEquals(0, count("SELECT count(*) FROM devices WHERE label IS NULL"));
    }

    @Test
    void aKeyColumnOfNullsIsRefusedInsteadOfLoopingForever() throws SQLException {
        exec("CREATE TABLE notes (ref bigint, body text)");
        exec("INSERT INTO notes SELECT NULL, NULL FROM generate_series(1, 10)");
        KeysetBackfill.BatchFailedException e = assertThrows(
                KeysetBackfill.BatchFailedException.class,
                () -> new KeysetBackfill("2s", "30s")
                        .run(connection, new BackfillSpec("notes", "ref", "body = 'x'", null, 5), p -> {}));
        assertTrue(e.getMessage().contains("unique and NOT NULL"), e.getMessage());
    }

    private void exec(String sql) throws SQLException {
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
