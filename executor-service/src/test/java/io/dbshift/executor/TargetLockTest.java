package io.dbshift.executor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.localstack.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** dbshift's per-database lock, on a real PostgreSQL. */
class TargetLockTest {
    static LocalPostgres postgres;

    @BeforeAll
    static void start() {
        postgres = LocalPostgres.shared();
        postgres.recreateDatabase("lock_test");
        postgres.recreateDatabase("lock_test_other");
    }

    @Test
    void aSecondMigrationWaitsThenIsRefusedNamingTheHolder() throws Exception {
        try (TargetLock first = TargetLock.acquire(
                postgres.connect("lock_test"), "migration A step production.apply", Duration.ofSeconds(1))) {
            long t0 = System.nanoTime();
            TargetRefusedException busy = assertThrows(
                    TargetRefusedException.class,
                    () -> TargetLock.acquire(
                            postgres.connect("lock_test"),
                            "migration B step production.apply",
                            Duration.ofMillis(600)));
            assertTrue((System.nanoTime() - t0) / 1_000_000 >= 600, "it waited before it gave up");
            assertTrue(
                    busy.getMessage()
                            .startsWith("database lock_test is busy: dbshift migration A step production.apply"
                                    + " holds dbshift's lock on it"),
                    busy.getMessage());
            assertEquals("55P03", busy.sqlState());
            // Another database on the same server is another target: not blocked.
            TargetLock.acquire(postgres.connect("lock_test_other"), "migration C step x", Duration.ZERO)
                    .close();
        }
        TargetLock.acquire(postgres.connect("lock_test"), "migration B step production.apply", Duration.ZERO)
                .close();
    }

    @Test
    void aWaitingStepGoesOnWhenTheHolderEnds() throws Exception {
        TargetLock first = TargetLock.acquire(postgres.connect("lock_test"), "migration A step x", Duration.ZERO);
        CompletableFuture<TargetLock> second = CompletableFuture.supplyAsync(() -> {
            try {
                return TargetLock.acquire(postgres.connect("lock_test"), "migration B step x", Duration.ofSeconds(10));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        // B has its session and is polling for the lock: only then does A let go.
        await().atMost(Duration.ofSeconds(5)).until(() -> sessions("dbshift migration B step x") == 1);
        assertFalse(second.isDone(), "B waits while A holds the lock");
        first.close();
        try (TargetLock acquired = second.get(5, TimeUnit.SECONDS)) {
            assertTrue(held("lock_test"));
        }
    }

    private static long sessions(String applicationName) throws SQLException {
        try (Connection c = postgres.connect("lock_test");
                java.sql.PreparedStatement ps =
                        c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, applicationName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aHolderWhoseSessionDiesReleasesTheLock() throws Exception {
        Connection session = postgres.connect("lock_test");
        int pid;
        try (ResultSet rs = session.createStatement().executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }
        TargetLock.acquire(session, "migration A step x", Duration.ZERO); // never closed: its executor "dies"
        try (Connection admin = postgres.connect("lock_test")) {
            admin.createStatement().execute("SELECT pg_terminate_backend(" + pid + ")");
        }
        try (TargetLock second =
                TargetLock.acquire(postgres.connect("lock_test"), "migration B step x", Duration.ofSeconds(5))) {
            assertTrue(held("lock_test"), "the second one holds it now");
        }
    }

    private static boolean held(String database) throws SQLException {
        try (Connection c = postgres.connect(database);
                ResultSet rs = c.createStatement()
                        .executeQuery(
                                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = "
                                        + TargetLock.NAMESPACE)) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }
}
