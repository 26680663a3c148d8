package io.dbshift.executor.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.request.MigrationScript;
import io.dbshift.localstack.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Against a real PostgreSQL: what Flyway does to a target that already has tables. */
class FlywayApplierTest {
    static LocalPostgres postgres;
    DataSource target;
    final FlywayApplier applier = new FlywayApplier("2s");

    @BeforeAll
    static void start() {
        postgres = LocalPostgres.shared();
    }

    @BeforeEach
    void freshTarget() throws Exception {
        postgres.recreateDatabase("apply_test");
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(postgres.jdbcUrl("apply_test"));
        ds.setUser(postgres.user());
        if (!postgres.password().isEmpty()) {
            ds.setPassword(postgres.password());
        }
        target = ds;
        exec("CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL)");
    }

    static MigrationScript script(String version, String up) {
        return new MigrationScript(version, "v" + version, up, null);
    }

    @Test
    void aScriptRolledBackOnItsLockTimeoutIsAppliedAgainOnceTheHolderLetsGo() throws Exception {
        try (Connection holder = target.getConnection()) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("SELECT count(*) FROM users"); // ACCESS SHARE until commit
            // The holder lets go once a third try waits for the lock: two tries have timed out by then, after at
            // least 300 + 200 + 300 + 400 ms of timeouts and pauses.
            java.util.concurrent.CompletableFuture<Void> release =
                    java.util.concurrent.CompletableFuture.runAsync(() -> {
                        java.util.Set<Integer> waiters = new java.util.HashSet<>();
                        org.awaitility.Awaitility.await()
                                .atMost(java.time.Duration.ofSeconds(30))
                                .pollInterval(java.time.Duration.ofMillis(20))
                                .until(() -> {
                                    waiters.addAll(lockWaiters());
                                    return waiters.size() >= 3;
                                });
                        try {
                            holder.commit();
                        } catch (java.sql.SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
            long t0 = System.nanoTime();
            // Version 2 does not need the lock and is committed by the first try; version 3 waits for it.
            FlywayApplier.Applied applied = new FlywayApplier("300ms", 5, java.time.Duration.ofMillis(200))
                    .apply(
                            target,
                            List.of(
                                    script("2", "CREATE TABLE audit (at timestamptz)"),
                                    script("3", "ALTER TABLE users ADD COLUMN avatar_url text")));
            release.join();
            assertEquals(List.of("2", "3"), applied.versions(), "every try's versions");
            assertTrue((System.nanoTime() - t0) / 1_000_000 >= 1_200, "it waited for the holder, in tries");
        }
        assertEquals(1, count("SELECT count(*) FROM information_schema.columns WHERE column_name = 'avatar_url'"));
    }

    /** The sessions of the target that wait on a lock now: each try of the applier is a session of its own. */
    java.util.List<Integer> lockWaiters() throws java.sql.SQLException {
        java.util.List<Integer> pids = new java.util.ArrayList<>();
        try (Connection c = target.getConnection();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                + " AND datname = current_database()")) {
            while (rs.next()) {
                pids.add(rs.getInt(1));
            }
        }
        return pids;
    }

    @Test
    void aLockNeverFreedFailsAfterTheRetriesSayingHowOftenItTried() throws Exception {
        try (Connection holder = target.getConnection()) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("SELECT count(*) FROM users");
            FlywayApplier.ApplyFailedException e = assertThrows(
                    FlywayApplier.ApplyFailedException.class,
                    () -> new FlywayApplier("200ms", 2, java.time.Duration.ofMillis(100))
                            .apply(target, List.of(script("2", "ALTER TABLE users ADD COLUMN avatar_url text"))));
            assertEquals("55P03", e.sqlState());
            assertTrue(e.getMessage().contains("lock timeout"), e.getMessage());
            assertTrue(e.getMessage().contains("Tried 3 times, waiting "), e.getMessage());
            holder.rollback();
        }
        assertEquals(0, count("SELECT count(*) FROM information_schema.columns WHERE column_name = 'avatar_url'"));
    }

    @Test
    void aStatementRunningLongerThanTheStatementTimeoutIsCancelledAndItsScriptRolledBack() throws Exception {
        FlywayApplier.ApplyFailedException e = assertThrows(
                FlywayApplier.ApplyFailedException.class,
                () -> new FlywayApplier("2s", "300ms", 0, java.time.Duration.ZERO)
                        .apply(
                                target,
                                List.of(script("2", "ALTER TABLE users ADD COLUMN slow text; SELECT pg_sleep(2);"))));
        assertEquals("57014", e.sqlState());
        assertTrue(e.getMessage().contains("statement timeout"), e.getMessage());
        assertEquals(0, count("SELECT count(*) FROM information_schema.columns WHERE column_name = 'slow'"));
    }

    @Test
    void aFailureNamesTheVersionsCommittedBeforeItWhichStayApplied() throws Exception {
        FlywayApplier.ApplyFailedException e = assertThrows(
                FlywayApplier.ApplyFailedException.class,
                () -> applier.apply(
                        target,
                        List.of(
                                script("2", "ALTER TABLE users ADD COLUMN a text"),
                                script("3", "ALTER TABLE no_such_table ADD COLUMN b text"))));
        assertEquals(List.of("2"), e.committed());
        assertEquals(1, count("SELECT count(*) FROM information_schema.columns WHERE column_name = 'a'"));
    }

    @Test
    void appliesToATargetThatAlreadyHasTables() throws Exception {
        FlywayApplier.Applied applied =
                applier.apply(target, List.of(script("2", "ALTER TABLE users ADD COLUMN avatar_url text")));
        assertEquals(List.of("2"), applied.versions());
        assertEquals("2", applied.schemaVersion());
        assertEquals(1, count("SELECT count(*) FROM information_schema.columns WHERE column_name = 'avatar_url'"));
    }

    @Test
    void aLaterRequestCarryingOnlyItsOwnScriptApplies() throws Exception {
        applier.apply(target, List.of(script("2", "ALTER TABLE users ADD COLUMN a text")));
        FlywayApplier.Applied second =
                applier.apply(target, List.of(script("3", "ALTER TABLE users ADD COLUMN b text")));
        assertEquals(List.of("3"), second.versions());
    }

    @Test
    void applyingTheSameScriptAgainChangesNothing() {
        applier.apply(target, List.of(script("2", "ALTER TABLE users ADD COLUMN a text")));
        FlywayApplier.Applied again =
                applier.apply(target, List.of(script("2", "ALTER TABLE users ADD COLUMN a text")));
        assertEquals(List.of(), again.versions());
        assertEquals("2", again.schemaVersion());
    }

    @Test
    void aScriptEditedAfterItWasAppliedIsRefused() {
        applier.apply(target, List.of(script("2", "ALTER TABLE users ADD COLUMN a text")));
        FlywayApplier.ApplyFailedException e = assertThrows(
                FlywayApplier.ApplyFailedException.class,
                () -> applier.apply(target, List.of(script("2", "ALTER TABLE users ADD COLUMN a varchar(10)"))));
        assertTrue(
                e.getMessage().startsWith("V2__v2.sql was changed after it was applied to this target: its checksum"),
                e.getMessage());
        assertTrue(e.getMessage().contains("put the change in a new script with a higher version"), e.getMessage());
    }

    @Test
    void aVersionBelowTheCurrentOneIsRefusedWithTheReason() {
        applier.apply(target, List.of(script("5", "ALTER TABLE users ADD COLUMN a text")));
        FlywayApplier.ApplyFailedException e = assertThrows(
                FlywayApplier.ApplyFailedException.class,
                () -> applier.apply(target, List.of(script("3", "ALTER TABLE users ADD COLUMN b text"))));
        assertTrue(e.getMessage().contains("below the target's current version 5"), e.getMessage());
    }

    @Test
    void aFailingScriptLeavesNoTraceAndReportsPostgresError() throws Exception {
        FlywayApplier.ApplyFailedException e = assertThrows(
                FlywayApplier.ApplyFailedException.class,
                () -> applier.apply(
                        target,
                        List.of(script(
                                "2", "ALTER TABLE users ADD COLUMN a text;\nALTER TABLE nope ADD COLUMN b int;"))));
        assertTrue(e.getMessage().contains("relation \"nope\" does not exist"), e.getMessage());
        assertEquals("42P01", e.sqlState());
        assertEquals(
                0,
                count(
                        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'a'"));
    }

    private void exec(String sql) throws Exception {
        try (Connection c = target.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = target.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
