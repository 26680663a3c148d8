package io.dbshift.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.analysis.judge.Rates;
import io.dbshift.analysis.replay.AnalysisException;
import io.dbshift.analysis.replay.ReplayFailure;
import io.dbshift.analysis.replay.Server;
import io.dbshift.contracts.schema.ChangeClass;
import io.dbshift.contracts.schema.StatementAnalysis;
import io.dbshift.contracts.schema.TableLock;
import io.dbshift.localstack.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real PostgreSQL: what the analysis reports is what the server did on the scratch copy. */
class AnalyzerTest {
    static LocalPostgres postgres;
    static Server target;
    final Analyzer analyzer = new Analyzer();

    @BeforeAll
    static void target() throws Exception {
        postgres = LocalPostgres.shared();
        postgres.recreateDatabase("analysis_target");
        try (Connection c = postgres.connect("analysis_target");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                    + " email varchar(100) NOT NULL, name text, age int)");
            s.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint, amount int)");
            s.execute("INSERT INTO users (email, name, age) SELECT 'u' || g || '@example.com', 'n' || g, g % 90"
                    + " FROM generate_series(1, 50000) g");
            s.execute("INSERT INTO orders (user_id, amount) SELECT g % 50000 + 1, g FROM generate_series(1, 20000) g");
            s.execute("ANALYZE");
        }
        target = Server.parse(postgres.jdbcUrl("analysis_target"), postgres.user(), postgres.password());
    }

    static Script script(String version, String sql) {
        return new Script(version, "V" + version + "__test.sql", sql, true);
    }

    Analysis analyse(String sql) {
        return analyzer.against(target, List.of(script("2", sql)));
    }

    static TableLock lockOn(StatementAnalysis s, String table) {
        return s.locks().stream()
                .filter(l -> l.table().equals(table))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no lock on " + table + " in " + s));
    }

    @Test
    void aNullableColumnIsNonBreakingAndOnlyBrieflyLocked() {
        StatementAnalysis s = analyse("ALTER TABLE users ADD COLUMN avatar_url text")
                .statements()
                .get(0);
        assertEquals(ChangeClass.NON_BREAKING, s.classification());
        assertEquals("AccessExclusiveLock", lockOn(s, "users").mode());
        assertFalse(lockOn(s, "users").rewrite());
        assertFalse(s.unsafe(), s.reason());
    }

    @Test
    void theServerDecidesWhatRewrites_wideningVarcharDoesNotIntToBigintDoes() {
        List<StatementAnalysis> s = analyse("ALTER TABLE users ALTER COLUMN email TYPE varchar(200);\n"
                        + "ALTER TABLE users ALTER COLUMN age TYPE bigint;")
                .statements();
        assertFalse(lockOn(s.get(0), "users").rewrite());
        assertFalse(s.get(0).unsafe());
        assertTrue(lockOn(s.get(1), "users").rewrite());
        assertTrue(s.get(1).unsafe());
        assertNotNull(lockOn(s.get(1), "users").estimatedSeconds(), "the target's size gives an estimate");
        assertEquals(ChangeClass.NON_BREAKING, s.get(1).classification(), "int to bigint widens");
    }

    @Test
    void aRenameBreaksOldCodeAndSaysHowToDoItSafely() {
        StatementAnalysis s = analyse("ALTER TABLE users RENAME COLUMN name TO full_name")
                .statements()
                .get(0);
        assertEquals(ChangeClass.BREAKING, s.classification());
        assertTrue(s.unsafe());
        assertTrue(
                s.breaks().get(0).contains("users.name is now called full_name"),
                s.breaks().toString());
        assertTrue(
                s.alternatives().get(0).startsWith("expand/contract"),
                s.alternatives().toString());
    }

    @Test
    void setNotNullScansUnderAccessExclusive_theCheckNotValidRouteDoesNot() {
        List<StatementAnalysis> s = analyse("ALTER TABLE users ALTER COLUMN name SET NOT NULL;\n"
                        + "ALTER TABLE users ADD CONSTRAINT age_set CHECK (age IS NOT NULL) NOT VALID;\n"
                        + "ALTER TABLE users VALIDATE CONSTRAINT age_set;\n")
                .statements();
        assertTrue(lockOn(s.get(0), "users").scan());
        assertTrue(s.get(0).unsafe());
        assertFalse(lockOn(s.get(1), "users").scan(), "NOT VALID reads no row");
        assertFalse(s.get(1).unsafe());
        assertEquals("ShareUpdateExclusiveLock", lockOn(s.get(2), "users").mode());
        assertTrue(lockOn(s.get(2), "users").scan());
        assertFalse(s.get(2).unsafe(), "VALIDATE lets reads and writes go on");
    }

    @Test
    void aConcurrentIndexRunsOutsideTheTransactionAndTheFileIsToldSo() {
        Analysis a = analyse("CREATE INDEX CONCURRENTLY users_name_idx ON users (name)");
        StatementAnalysis s = a.statements().get(0);
        assertEquals("ShareUpdateExclusiveLock", lockOn(s, "users").mode());
        assertFalse(s.unsafe());
        assertEquals("concurrently-in-transaction", a.findings().get(0).code());
        StatementAnalysis blocking = analyse("CREATE INDEX users_name_idx ON users (name)")
                .statements()
                .get(0);
        assertEquals("ShareLock", lockOn(blocking, "users").mode());
        assertTrue(blocking.unsafe());
    }

    @Test
    void aLargeUpdateIsADataMigrationSizedByTheTargetsPlanner() {
        Analysis a = analyse("ALTER TABLE users ADD COLUMN nick text;\nUPDATE users SET age = age + 1;\n"
                + "UPDATE users SET age = 1 WHERE id = 7;");
        StatementAnalysis all = a.statements().get(1);
        assertEquals(ChangeClass.DATA_MIGRATION, all.classification());
        assertTrue(all.rowsEstimate() > 40_000, "planner estimate " + all.rowsEstimate());
        assertTrue(all.unsafe());
        StatementAnalysis one = a.statements().get(2);
        assertEquals(1L, one.rowsEstimate());
        assertFalse(one.unsafe());
        assertTrue(a.findings().stream().anyMatch(f -> f.code().equals("ddl-and-dml-in-one-transaction")));
        assertTrue(a.findings().stream().anyMatch(f -> f.code().equals("no-lock-timeout")));
        // 50,000 rows change in well under a second here: unsafe, but short on this target.
        assertEquals("Medium", a.risk().level(), a.risk().reasons().toString());
        assertTrue(a.risk().reasons().stream().anyMatch(r -> r.startsWith("version 2 statement 2 is unsafe")));
    }

    @Test
    void aLockTimeoutSetByTheFileSilencesTheFinding() {
        Analysis a = analyse("SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nick text;");
        assertTrue(a.findings().isEmpty(), a.findings().toString());
        assertEquals("Low", a.risk().level(), a.risk().reasons().toString());
    }

    @Test
    void aSyntaxErrorIsNamedByFileLineAndColumnAndTheScratchDatabaseIsDropped() throws Exception {
        ReplayFailure e = assertThrows(
                ReplayFailure.class,
                () -> analyse("ALTER TABLE users ADD COLUMN a text;\n\nALTER TABLE users\n  ADD COLUMN b intt;"));
        assertEquals(4, e.line());
        assertEquals(16, e.column());
        assertTrue(e.getMessage().startsWith("V2__test.sql:4:16: type \"intt\" does not exist"), e.getMessage());
        assertEquals(0, scratchDatabases());
    }

    @Test
    void anObjectTheTargetLacksIsNamed() {
        ReplayFailure e = assertThrows(ReplayFailure.class, () -> analyse("ALTER TABLE customers ADD COLUMN a text"));
        assertTrue(e.getMessage().contains("relation \"customers\" does not exist"), e.getMessage());
    }

    @Test
    void anUnreachableTargetIsNamedWithoutItsPassword() {
        Server nowhere = Server.parse("jdbc:postgresql://127.0.0.1:1/shop", "app", "s3cret");
        AnalysisException e = assertThrows(
                AnalysisException.Unreachable.class, () -> analyzer.against(nowhere, List.of(script("2", "SELECT 1"))));
        assertTrue(e.getMessage().contains("postgresql://app@127.0.0.1:1/shop"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"));
    }

    @Test
    void aSchemaFileStandsInForTheTarget(@TempDir Path dir) throws Exception {
        Path schema = dir.resolve("schema.sql");
        Files.writeString(schema, "CREATE TABLE accounts (id int PRIMARY KEY, balance numeric(10,2));\n");
        Analysis a = analyzer.againstSchemaFile(
                target, schema, List.of(script("5", "ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(12,2)")));
        StatementAnalysis s = a.statements().get(0);
        assertEquals(ChangeClass.NON_BREAKING, s.classification(), s.reason());
        assertFalse(lockOn(s, "accounts").rewrite(), "raising a numeric's precision does not rewrite on 15");
        assertEquals(null, lockOn(s, "accounts").estimatedSeconds(), "no sizes without a target");
    }

    @Test
    void versionsTheTargetsHistoryRecordsAreNotReplayedAgain() throws Exception {
        try (Connection c = postgres.connect("analysis_target");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS flyway_schema_history (version text, success boolean)");
            s.execute("INSERT INTO flyway_schema_history VALUES ('1.1', true)");
        }
        try {
            Analysis a = analyzer.against(
                    target,
                    List.of(
                            script("1_1", "ALTER TABLE users ADD COLUMN email text"),
                            script("2", "ALTER TABLE users ADD COLUMN nick text")));
            assertEquals(List.of("1_1"), a.alreadyApplied());
            assertEquals(1, a.statements().size());
            assertEquals("2", a.statements().get(0).version());
        } finally {
            try (Connection c = postgres.connect("analysis_target");
                    Statement s = c.createStatement()) {
                s.execute("DROP TABLE flyway_schema_history");
            }
        }
    }

    @Test
    void aServerWideStatementIsNeverRunOnTheTargetsServer() throws Exception {
        Analysis a = analyse("CREATE ROLE dbshift_analysis_probe;\nALTER TABLE users ADD COLUMN nick text;");
        assertTrue(
                a.statements().get(0).reason().contains("not replayed"),
                a.statements().get(0).reason());
        assertTrue(a.findings().stream().anyMatch(f -> f.code().equals("server-wide-statement")));
        try (Connection c = postgres.connect("postgres");
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM pg_roles WHERE rolname = 'dbshift_analysis_probe'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the analysis created a role on the server");
        }
    }

    @Test
    void theLockTimeoutTheToolSetsCountsAsSet() {
        Analysis a = new Analyzer(Rates.DEFAULT, line -> {}, "2s")
                .against(target, List.of(script("2", "ALTER TABLE users ADD COLUMN nick text")));
        assertTrue(a.findings().isEmpty(), a.findings().toString());
    }

    @Test
    void flywayRunsAFileOfOnlyConcurrentStatementsOutsideATransactionButRefusesAMix() {
        Script alone = new Script(
                "3",
                "V3__idx.sql",
                "CREATE INDEX CONCURRENTLY users_age_idx ON users (age)",
                true,
                Script.Runner.FLYWAY);
        assertTrue(analyzer.against(target, List.of(alone)).findings().isEmpty());
        Script mixed = new Script(
                "3",
                "V3__idx.sql",
                "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nick text;\n"
                        + "CREATE INDEX CONCURRENTLY users_age_idx ON users (age);",
                true,
                Script.Runner.FLYWAY);
        assertEquals(
                "concurrently-in-transaction",
                analyzer.against(target, List.of(mixed)).findings().get(0).code());
    }

    @Test
    void aTableAnEarlierFileOfTheMigrationCreatedIsNewAndEmpty() {
        Analysis a = analyzer.against(
                target,
                List.of(
                        script("2", "CREATE TABLE coupons (id bigint PRIMARY KEY, code text)"),
                        script("3", "CREATE INDEX coupons_code_idx ON coupons (code)")));
        StatementAnalysis index = a.statements().get(1);
        assertFalse(index.unsafe(), index.reason());
        assertTrue(index.locks().isEmpty(), index.locks().toString());
    }

    static int scratchDatabases() throws Exception {
        try (Connection c = postgres.connect("postgres");
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'dbshift_scratch_%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
