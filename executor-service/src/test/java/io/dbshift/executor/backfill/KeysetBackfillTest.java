package io.dbshift.executor.backfill;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.request.BackfillSpec;
import io.dbshift.contracts.result.BackfillCompleted.BackfillFigures;
import io.dbshift.localstack.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
        BackfillFigures figures =
                new KeysetBackfill("2s", "30s").run(connection, "m/step/users", gravatar(1000), progress::add);
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
    void batchesOfOneSizeArePlannedOnceAndTheKeptPlanKnowsTheirLimit() throws SQLException {
        BackfillFigures figures =
                new KeysetBackfill("2s", "30s").run(connection, "m/step/users", gravatar(25), p -> {});
        assertEquals(100, figures.batches());
        // A plan PostgreSQL keeps for a statement serves every batch after the first few; with the size a parameter,
        // it would guess a tenth of the table and be planned anew for each batch instead.
        long kept = count("SELECT coalesce(sum(generic_plans), 0) FROM pg_prepared_statements"
                + " WHERE statement LIKE 'WITH batch%LIMIT 25)%'");
        assertTrue(kept >= 80, "batches served by a kept plan: " + kept);
        assertEquals(2500, count("SELECT count(*) FROM users WHERE updates = 1"));
    }

    @Test
    void runningAFinishedBackfillAgainUpdatesNothing() throws SQLException {
        KeysetBackfill engine = new KeysetBackfill("2s", "30s");
        engine.run(connection, "m/step/users", gravatar(700), p -> {});
        BackfillFigures again = engine.run(connection, "m/step/users", gravatar(700), p -> {});
        assertEquals(0, again.rowsUpdated());
        assertEquals(0, again.rowsScanned(), "its cursor says it finished: not even a scan");
        // Another backfill of the same rows walks them, and its predicate leaves them alone.
        BackfillFigures other = engine.run(connection, "m2/step/users", gravatar(700), p -> {});
        assertEquals(0, other.rowsUpdated());
        assertEquals(2500, other.rowsScanned());
        assertEquals(2500, count("SELECT count(*) FROM users WHERE updates = 1"));
    }

    @Test
    void aRowTheExpressionFailsOnStopsTheBackfillNamingTheBatchAndKeepsEarlierBatches() throws SQLException {
        BackfillSpec failing =
                new BackfillSpec("users", "id", "avatar_url = (1 / (id - 3000))::text", "avatar_url IS NULL", 500);
        KeysetBackfill.BatchFailedException e = assertThrows(
                KeysetBackfill.BatchFailedException.class,
                () -> new KeysetBackfill("2s", "30s").run(connection, "m/step/users", failing, p -> {}));
        assertTrue(e.getMessage().contains("division by zero"), e.getMessage());
        // Rows up to key 1500 (500 rows per batch, keys step 3) were committed before the failing batch, which
        // covers the next 500 keys.
        assertTrue(e.getMessage().contains("in the batch of keys after (id = 1500) up to (id = 3000)"), e.getMessage());
        assertEquals("22012", e.sqlState());
        assertEquals(500, count("SELECT count(*) FROM users WHERE avatar_url IS NOT NULL"));
        assertEquals(
                0,
                count("SELECT count(*) FROM users WHERE id > 1500 AND updates > 0"),
                "part of the failing batch was applied");

        // The fix: the row the expression cannot handle is given its value by hand. The same backfill resumes after
        // key 1500 and finishes; no row is updated twice.
        exec("UPDATE users SET avatar_url = 'by hand' WHERE id = 3000");
        BackfillFigures resumed = new KeysetBackfill("2s", "30s").run(connection, "m/step/users", failing, p -> {});
        assertEquals(2500 - 500 - 1, resumed.rowsUpdated());
        assertEquals(0, count("SELECT count(*) FROM users WHERE avatar_url IS NULL"));
        assertEquals(0, count("SELECT count(*) FROM users WHERE updates > 1"));
    }

    @Test
    void aKilledBackfillResumesAfterItsLastCommittedBatchAndUpdatesEveryRowOnce() throws Exception {
        // No predicate: only the cursor keeps the resumed run off the rows already done.
        BackfillSpec slow =
                new BackfillSpec("users", "id", "avatar_url = md5(lower(trim(email)))", null, 100, null, 40);
        int pid;
        try (ResultSet rs = connection.createStatement().executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }
        CompletableFuture<BackfillFigures> run = backfillAsync(BackfillControls.NONE, "m/step/users", slow);
        awaitRows(400);
        try (Connection other = postgres.connect("backfill_test")) {
            other.createStatement().execute("SELECT pg_terminate_backend(" + pid + ")");
        }
        // The connection dies under it, as when the executor is killed: whatever the engine throws, it stops.
        assertThrows(ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS));
        long done = rowsDone();
        assertTrue(done > 0 && done < 2500, "killed mid-way, after " + done + " rows");

        connection = postgres.connect("backfill_test");
        BackfillFigures resumed = new KeysetBackfill("2s", "30s").run(connection, "m/step/users", slow, p -> {});
        assertEquals(2500 - done, resumed.rowsUpdated());
        assertEquals(2500, count("SELECT count(*) FROM users WHERE updates = 1"), "a row was updated twice or never");
    }

    @Test
    void aJavaTransformerWritesWhatTheSqlExpressionWould() throws SQLException {
        BackfillSpec java = new BackfillSpec(
                "users", "id", null, "avatar_url IS NULL", 400, null, null, "gravatar", List.of("email"));
        BackfillFigures figures = new KeysetBackfill("2s", "30s").run(connection, "m/step/java", java, p -> {});
        assertEquals(2500, figures.rowsUpdated());
        assertEquals(7, figures.batches());
        assertEquals(
                0,
                count("SELECT count(*) FROM users WHERE avatar_url IS DISTINCT FROM"
                        + " 'https://www.gravatar.com/avatar/' || md5(lower(trim(email)))"));
        assertEquals(2500, count("SELECT count(*) FROM users WHERE updates = 1"));
        KeysetBackfill.BatchFailedException unknown = assertThrows(
                KeysetBackfill.BatchFailedException.class,
                () -> new KeysetBackfill("2s", "30s")
                        .run(
                                connection,
                                "m/step/x",
                                new BackfillSpec("users", "id", null, null, 10, null, null, "no-such", List.of()),
                                p -> {}));
        assertTrue(unknown.getMessage().contains("known: gravatar"), unknown.getMessage());
    }

    @Test
    void aDryRunCountsTheRowsAndShowsTheFirstBeforeAndAfterWithoutChangingAnything() throws SQLException {
        exec("UPDATE users SET avatar_url = 'kept' WHERE id = 3");
        BackfillDryRun.Result sql = new BackfillDryRun("2s", "30s").run(connection, gravatar(1000), 3);
        assertEquals(2499, sql.rowsToUpdate(), "the predicate leaves the row that has a value out");
        assertFalse(sql.estimated());
        assertEquals(3, sql.samples().size());
        BackfillDryRun.Sample first = sql.samples().get(0);
        assertEquals(6, ((Number) first.key().get("id")).intValue(), "the first row the predicate selects, by key");
        assertEquals(java.util.Collections.singletonMap("avatar_url", null), withoutCounter(first.before()));
        assertEquals(
                java.util.Map.of("avatar_url", md5("u2@example.com")),
                withoutCounter(first.after()),
                "the database's own result of the expression");
        BackfillDryRun.Result java = new BackfillDryRun("2s", "30s")
                .run(
                        connection,
                        new BackfillSpec(
                                "users",
                                "id",
                                null,
                                "avatar_url IS NULL",
                                null,
                                null,
                                null,
                                "gravatar",
                                List.of("email")),
                        2);
        assertEquals(2499, java.rowsToUpdate());
        assertEquals(
                "https://www.gravatar.com/avatar/" + md5("u2@example.com"),
                java.samples().get(0).after().get("avatar_url"));
        assertEquals(
                1,
                count("SELECT count(*) FROM users WHERE updates > 0"),
                "a dry run updates no row (the one updated is the test's own)");
        assertEquals(1, count("SELECT count(*) FROM users WHERE avatar_url IS NOT NULL"));
        assertTrue(connection.getAutoCommit(), "the connection is handed back as it came");
    }

    /** The trigger's counter moves in the rolled-back UPDATE too; what matters here is the backfill's column. */
    private static java.util.Map<String, Object> withoutCounter(java.util.Map<String, Object> columns) {
        java.util.Map<String, Object> copy = new java.util.HashMap<>(columns);
        copy.remove("updates");
        return copy;
    }

    private String md5(String text) throws SQLException {
        try (java.sql.PreparedStatement ps = connection.prepareStatement("SELECT md5(?)")) {
            ps.setString(1, text);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void anOperatorPausesResumesAndRerates() throws Exception {
        BackfillControls controls = new BackfillControls();
        BackfillSpec slow = new BackfillSpec("users", "id", "avatar_url = md5(email)", null, 100, null, 20);
        CompletableFuture<BackfillFigures> run = backfillAsync(controls, "m1/step/users", slow);
        awaitRows(200);
        assertTrue(controls.apply("m1", "pause", null, null, "ana"));
        // Once it stands between two batches, nothing more may change while it is paused.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> controls.running().get("m1").holding());
        long paused = rowsDone();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> rowsDone() == paused);
        assertTrue(controls.apply("m1", "rate", 1000, 0, "ana"));
        assertTrue(controls.apply("m1", "resume", null, null, "ana"));
        BackfillFigures figures = run.get(30, TimeUnit.SECONDS);
        assertEquals(2500, figures.rowsUpdated());
        assertTrue(figures.batches() < 25, "the new rate of 1,000 a batch was not taken: " + figures.batches());
        assertTrue(controls.running().isEmpty(), "a finished backfill stays registered");
        assertFalse(controls.apply("m1", "pause", null, null, "ana"), "nothing runs to pause");
    }

    @Test
    void aCancelledBackfillKeepsItsCursorAndResumes() throws Exception {
        BackfillControls controls = new BackfillControls();
        BackfillSpec slow = new BackfillSpec("users", "id", "avatar_url = md5(email)", null, 100, null, 20);
        CompletableFuture<BackfillFigures> run = backfillAsync(controls, "m2/step/users", slow);
        awaitRows(200);
        controls.apply("m2", "cancel", null, null, "ana");
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof BackfillControls.Cancelled, String.valueOf(e.getCause()));
        assertTrue(
                e.getCause().getMessage().contains("cancelled by ana"),
                e.getCause().getMessage());
        long done = rowsDone();
        BackfillFigures rest = new KeysetBackfill("2s", "30s").run(connection, "m2/step/users", slow, p -> {});
        assertEquals(2500 - done, rest.rowsUpdated());
        assertEquals(2500, count("SELECT count(*) FROM users WHERE updates = 1"));
    }

    /** Runs a backfill on the test's connection in another thread; the test watches it on connections of its own. */
    private CompletableFuture<BackfillFigures> backfillAsync(BackfillControls controls, String id, BackfillSpec spec) {
        Connection c = connection;
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new KeysetBackfill("2s", "30s", KeysetBackfill.Health.DEFAULT, controls)
                        .run(c, id, spec, p -> {});
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static long rowsDone() throws SQLException {
        return count2("SELECT count(*) FROM users WHERE avatar_url IS NOT NULL");
    }

    private static void awaitRows(long rows) {
        await().atMost(Duration.ofSeconds(10)).until(() -> rowsDone() >= rows);
    }

    @Test
    void aCompositeKeyIsWalkedAsARow() throws SQLException {
        exec("CREATE TABLE stock (shop int, sku text, qty int, label text, PRIMARY KEY (shop, sku))");
        exec(
                "INSERT INTO stock SELECT s, 'sku-' || g, g, NULL FROM generate_series(1, 7) s, generate_series(1, 300) g");
        BackfillFigures figures = new KeysetBackfill("2s", "30s")
                .run(
                        connection,
                        "m/step/stock",
                        new BackfillSpec("stock", "shop, sku", "label = shop || '/' || sku", "label IS NULL", 250),
                        p -> {});
        assertEquals(2100, figures.rowsUpdated());
        assertEquals(9, figures.batches());
        assertEquals(0, count("SELECT count(*) FROM stock WHERE label IS DISTINCT FROM shop || '/' || sku"));
    }

    @Test
    void withoutAFixedSizeTheBatchAdaptsTowardItsTargetDuration() throws SQLException {
        exec(
                "INSERT INTO users (id, email) SELECT 10000 + g, 'v' || g || '@example.com' FROM generate_series(1, 40000) g");
        List<KeysetBackfill.Progress> progress = new ArrayList<>();
        BackfillSpec adaptive = new BackfillSpec(
                "users", "id", "avatar_url = md5(lower(trim(email)))", "avatar_url IS NULL", null, 1000, null);
        BackfillFigures figures =
                new KeysetBackfill("2s", "30s").run(connection, "m/step/users", adaptive, progress::add);
        assertEquals(42500, figures.rowsUpdated());
        // A batch of 1,000 rows takes far less than a second here: the size grows, doubling at most per batch.
        assertTrue(figures.batches() < 42, "batches " + figures.batches());
        assertTrue(progress.get(progress.size() - 1).batchSize() > 1000, progress.toString());
    }

    @Test
    void withTheApplicationAtWorkRowsAlreadyRightAreWalkedInGrowingBatches() throws Exception {
        // 22,500 rows in key order: the first 2,500 to fill, then 20,000 already right (as the application's own writes
        // or a trigger leave the rows of an expand/contract backfill). The batches that fill rows shrink to about a
        // millisecond; the ones after them that change nothing must not stay that small.
        exec(
                "INSERT INTO users (id, email) SELECT 10000 + g, 'v' || g || '@example.com' FROM generate_series(1, 20000) g");
        exec("ALTER TABLE users DISABLE TRIGGER count_updates");
        exec("UPDATE users SET avatar_url = md5(lower(trim(email))) WHERE id > 10000");
        exec("ALTER TABLE users ENABLE TRIGGER count_updates");
        exec("ANALYZE users");
        BackfillSpec adaptive = new BackfillSpec(
                "users", "id", "avatar_url = md5(lower(trim(email)))", "avatar_url IS NULL", null, null, null);
        BackfillFigures figures;
        // The application at work: a session in a transaction on the same database.
        try (Connection application = postgres.connect("backfill_test");
                Statement s = application.createStatement()) {
            application.setAutoCommit(false);
            s.execute("SELECT 1");
            figures = new KeysetBackfill("2s", "30s")
                    .run(connection, () -> postgres.connect("backfill_test"), "m/step/users", adaptive, p -> {});
            application.rollback();
        }
        assertEquals(2500, figures.rowsUpdated());
        assertEquals(2500, count("SELECT count(*) FROM users WHERE updates = 1"));
        assertEquals(0, count("SELECT count(*) FROM users WHERE updates > 1 OR avatar_url IS NULL"));
        // At the size the filling batches shrank to, the 20,000 rows after them would take hundreds of batches; walked
        // at up to 1,000 rows a batch, a few dozen.
        assertTrue(figures.batches() < 200, "batches " + figures.batches());
    }

    @Test
    void withTheApplicationAtWorkTheFirstBatchIsAlreadySmall() throws Exception {
        exec(
                "INSERT INTO users (id, email) SELECT 10000 + g, 'v' || g || '@example.com' FROM generate_series(1, 5000) g");
        BackfillSpec adaptive = new BackfillSpec(
                "users", "id", "avatar_url = md5(lower(trim(email)))", "avatar_url IS NULL", null, null, null);
        try (Connection application = postgres.connect("backfill_test");
                Statement s = application.createStatement()) {
            application.setAutoCommit(false);
            s.execute("SELECT 1");
            new KeysetBackfill("2s", "30s")
                    .run(connection, () -> postgres.connect("backfill_test"), "m/step/users", adaptive, p -> {});
            application.rollback();
        }
        assertEquals(0, count("SELECT count(*) FROM users WHERE updates <> 1 OR avatar_url IS NULL"));
        // A batch is a transaction: the rows of the first one carry its id, the oldest among the updated rows.
        assertEquals(
                KeysetBackfill.MIN_CONTENDED_BATCH,
                count("SELECT count(*) FROM users GROUP BY xmin::text::bigint ORDER BY xmin::text::bigint LIMIT 1"));
    }

    @Test
    void percentSignsInTheOperatorsSqlAreSqlNotFormatting() throws SQLException {
        BackfillSpec likeSpec = new BackfillSpec(
                "users", "id", "avatar_url = 'x%' || id", "avatar_url IS NULL AND email LIKE 'u1%@example.com'", 1000);
        BackfillFigures figures = new KeysetBackfill("2s", "30s").run(connection, "m/step/like", likeSpec, p -> {});
        assertEquals(count("SELECT count(*) FROM users WHERE email LIKE 'u1%@example.com'"), figures.rowsUpdated());
        assertEquals(1, count("SELECT count(*) FROM users WHERE id = 3 AND avatar_url = 'x%3'"));
    }

    @Test
    void aUuidKeyIsWalkedLikeAnyOther() throws SQLException {
        exec("CREATE TABLE devices (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), label text)");
        exec("INSERT INTO devices (label) SELECT NULL FROM generate_series(1, 1234)");
        BackfillFigures figures = new KeysetBackfill("2s", "30s")
                .run(
                        connection,
                        "m/step/devices",
                        new BackfillSpec("devices", "id", "label = 'device'", "label IS NULL", 500),
                        p -> {});
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
                        .run(
                                connection,
                                "m/step/notes",
                                new BackfillSpec("notes", "ref", "body = 'x'", null, 5),
                                p -> {}));
        assertTrue(e.getMessage().contains("unique and NOT NULL"), e.getMessage());
    }

    /** Counts on a connection of its own: the test's may have been terminated. */
    private static long count2(String sql) throws SQLException {
        try (Connection c = postgres.connect("backfill_test");
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
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
