package io.dbshift.analysis.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.analysis.replay.AnalysisException;
import io.dbshift.analysis.replay.Server;
import io.dbshift.localstack.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pg_dump, pg_restore --list and a test restore, on a real PostgreSQL. */
class BackupTest {
    static final LocalPostgres postgres = LocalPostgres.shared();

    @TempDir
    Path dir;

    Server target;

    @BeforeEach
    void database() throws SQLException {
        postgres.recreateDatabase("backup_test");
        target = Server.parse(postgres.jdbcUrl("backup_test"), postgres.user(), postgres.password());
        try (Connection c = postgres.connect("backup_test");
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA billing");
            s.execute("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL)");
            s.execute("INSERT INTO users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 5000) g");
            s.execute("CREATE TABLE billing.invoices (id bigint PRIMARY KEY, user_id bigint REFERENCES users)");
            s.execute("INSERT INTO billing.invoices SELECT g, g FROM generate_series(1, 1200) g");
            s.execute("CREATE TABLE \"Audit\" (at timestamptz)");
        }
    }

    @Test
    void theArchiveIsListedChecksummedAndRestoredWithTheSnapshotsRowCounts() throws Exception {
        List<String> said = new ArrayList<>();
        Path archive = dir.resolve("backups/backup_test.dump");

        Backup.Verified backup = Backup.take(target, archive, said::add);

        assertEquals(archive, backup.archive());
        assertTrue(Files.isRegularFile(archive));
        assertFalse(Files.exists(archive.resolveSibling("backup_test.dump.partial")), "no partial archive left");
        assertEquals(Files.size(archive), backup.bytes());
        assertEquals(Backup.sha256(archive), backup.sha256());
        assertEquals(64, backup.sha256().length());
        assertEquals(Map.of("public.users", 5000L, "billing.invoices", 1200L, "public.Audit", 0L), backup.rowCounts());
        assertEquals(6200, backup.rows());
        assertTrue(backup.wholeDatabase());
        assertTrue(backup.entries() >= 8, "tables, their data, keys and the schema: " + backup.entries());
        assertTrue(backup.databaseBytes() > 0);
        // The scratch database the proof restored into is gone.
        assertEquals(0, databasesNamed(backup.restoredInto()));
        assertTrue(said.stream().anyMatch(l -> l.startsWith("restoring backup_test.dump")), said.toString());
    }

    @Test
    void rowsWrittenDuringTheDumpAreNeitherCountedNorDumped() throws Exception {
        // A writer inserts once the snapshot is taken, while pg_dump runs: counts and archive come from the one
        // snapshot, so the test restore still matches them exactly.
        java.util.concurrent.CountDownLatch dumping = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection c = postgres.connect("backup_test");
                    Statement s = c.createStatement()) {
                dumping.await();
                for (int i = 0; i < 200; i++) {
                    s.execute("INSERT INTO users VALUES (" + (10_000 + i) + ", 'late@example.com')");
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Backup.Verified backup = Backup.take(target, dir.resolve("during.dump"), line -> {
            if (line.startsWith("pg_dump -Fc")) {
                dumping.countDown();
            }
        });
        writer.join();
        long counted = backup.rowCounts().get("public.users");
        assertTrue(counted >= 5000 && counted <= 5200, "counted " + counted);
    }

    @Test
    void aDamagedArchiveIsRefusedNamingPgRestoresError() throws Exception {
        Path archive = dir.resolve("damaged.dump");
        Backup.Verified good = Backup.take(target, archive, line -> {});
        byte[] bytes = Files.readAllBytes(archive);
        Files.write(archive, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        AnalysisException e = assertThrows(
                AnalysisException.class,
                () -> Backup.verify(target, archive, good.rowCounts(), 0, 0, major(), line -> {}));

        assertTrue(e.getMessage().contains("pg_restore") || e.getMessage().contains("test restore"), e.getMessage());
        assertTrue(e.getMessage().contains("damaged.dump"), e.getMessage());
    }

    @Test
    void aRestoreThatDoesNotMatchTheSnapshotIsRefusedNamingTheTable() throws Exception {
        Path archive = dir.resolve("counts.dump");
        Backup.Verified good = Backup.take(target, archive, line -> {});
        Map<String, Long> claimed = new java.util.HashMap<>(good.rowCounts());
        claimed.put("public.users", 5001L);

        AnalysisException e = assertThrows(
                AnalysisException.class, () -> Backup.verify(target, archive, claimed, 0, 0, major(), line -> {}));

        assertTrue(
                e.getMessage()
                        .contains("public.users has 5001 rows in the backup's snapshot but 5000 rows in the"
                                + " restored copy"),
                e.getMessage());
    }

    @Test
    void aRestorePutsTheDatabaseBackAsItWasBackedUp() throws Exception {
        Backup.Verified backup = Backup.take(target, dir.resolve("restore.dump"), line -> {});
        try (Connection c = postgres.connect("backup_test");
                Statement s = c.createStatement()) {
            s.execute("ALTER TABLE users ADD COLUMN avatar_url text");
            s.execute("CREATE TABLE later (id int)");
            s.execute("DELETE FROM billing.invoices WHERE id > 100");
        }

        Backup.Restored restored = Backup.restore(target, backup.archive(), backup.sha256(), line -> {});

        assertEquals(backup.rowCounts(), restored.rowCounts());
        // The database as it was before the restore is kept, renamed: nothing is lost for good.
        assertTrue(restored.keptAs().startsWith("backup_test_replaced_"), restored.keptAs());
        assertEquals(1, databasesNamed(restored.keptAs()));
        try (Connection c = postgres.connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE \"" + restored.keptAs() + "\"");
        }
        try (Connection c = postgres.connect("backup_test");
                Statement s = c.createStatement()) {
            assertEquals(1200, count(s, "SELECT count(*) FROM billing.invoices"));
            assertEquals(0, count(s, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'later'"));
            assertEquals(
                    0, count(s, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'avatar_url'"));
        }
    }

    @Test
    void anArchiveThatIsNotTheVerifiedOneIsNotRestoredAndNothingIsDropped() throws Exception {
        Backup.Verified backup = Backup.take(target, dir.resolve("swapped.dump"), line -> {});
        try (Connection c = postgres.connect("backup_test");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE later (id int)");
        }

        AnalysisException e = assertThrows(
                AnalysisException.class, () -> Backup.restore(target, backup.archive(), "0".repeat(64), line -> {}));

        assertTrue(e.getMessage().contains("is not the one that was verified"), e.getMessage());
        try (Connection c = postgres.connect("backup_test");
                Statement s = c.createStatement()) {
            assertEquals(1, count(s, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'later'"));
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void onlyTheAffectedTablesOfALargeDatabaseAreBackedUpAndTheirRowsProvenInACopyOfTheSchema() throws Exception {
        Backup.Verified backup = Backup.take(
                target, dir.resolve("tables.dump"), List.of("billing.invoices", "not_created_yet"), line -> {});

        // invoices references users, which is not in the archive: the proof loads its rows all the same.
        assertEquals(Map.of("billing.invoices", 1200L), backup.rowCounts());
        assertEquals(List.of("billing.invoices"), backup.tables());
        assertFalse(backup.wholeDatabase());
        assertEquals(0, databasesNamed(backup.restoredInto()));

        Backup.Verified nothingYet =
                Backup.take(target, dir.resolve("none-yet.dump"), List.of("not_created_yet"), line -> {});
        assertEquals(Map.of(), nothingYet.rowCounts(), "no affected table exists yet: the schema only");
        assertFalse(nothingYet.wholeDatabase(), "a schema-only archive must never be restored over the database");
    }

    @Test
    void anUnreachableTargetLeavesNoArchive() {
        Server nowhere = Server.parse("jdbc:postgresql://127.0.0.1:1/none", "nobody", null);
        Path archive = dir.resolve("none.dump");

        assertThrows(AnalysisException.Unreachable.class, () -> Backup.take(nowhere, archive, line -> {}));

        assertFalse(Files.exists(archive));
        assertFalse(Files.exists(dir.resolve("none.dump.partial")));
    }

    private static int major() throws SQLException {
        try (Connection c = postgres.connect("postgres")) {
            return c.getMetaData().getDatabaseMajorVersion();
        }
    }

    private static long databasesNamed(String name) throws SQLException {
        try (Connection c = postgres.connect("postgres");
                java.sql.PreparedStatement ps =
                        c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
