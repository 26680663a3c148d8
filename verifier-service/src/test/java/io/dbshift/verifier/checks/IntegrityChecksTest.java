package io.dbshift.verifier.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.request.CheckSpec;
import io.dbshift.contracts.result.ChecksCompleted.CheckResult;
import io.dbshift.localstack.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The checks against a real PostgreSQL with the workflow's users and orders. */
class IntegrityChecksTest {
    static LocalPostgres postgres;
    Connection connection;
    final IntegrityChecks checks = new IntegrityChecks("5s");

    @BeforeAll
    static void start() {
        postgres = LocalPostgres.shared();
    }

    @BeforeEach
    void seed() throws SQLException {
        postgres.recreateDatabase("checks_test");
        connection = postgres.connect("checks_test");
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE users (id bigint PRIMARY KEY, email text, avatar_url text)");
            // No foreign key on purpose: orphans must be found from the data, not assumed away.
            s.execute("CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint)");
            s.execute("INSERT INTO users SELECT g, 'u' || g || '@example.com', 'x' FROM generate_series(1, 100) g");
            s.execute("INSERT INTO orders SELECT g, g % 100 + 1 FROM generate_series(1, 300) g");
        }
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    static CheckSpec orphans() {
        return new CheckSpec(null, null, null, new CheckSpec.OrphanSpec("orders", "user_id", "users.id"), null);
    }

    static CheckSpec rowCount(String table) {
        return new CheckSpec(null, null, "unchanged", null, table);
    }

    @Test
    void healthyDataPassesEveryKindOfCheck() throws SQLException {
        Map<String, Long> baseline = checks.countRows(connection, List.of("users", "orders"));
        assertEquals(Map.of("users", 100L, "orders", 300L), baseline);
        List<CheckResult> results = checks.run(
                connection,
                List.of(
                        rowCount("users"),
                        rowCount("orders"),
                        orphans(),
                        new CheckSpec(
                                "every user has an avatar",
                                "SELECT count(*) FROM users WHERE avatar_url IS NULL",
                                "0",
                                null,
                                null)),
                baseline);
        assertTrue(results.stream().allMatch(CheckResult::passed), results.toString());
        assertEquals("no orphaned rows in orders.user_id", results.get(2).name());
    }

    @Test
    void aChangedRowCountAndOrphansAreCaughtWithTheirFigures() throws SQLException {
        Map<String, Long> baseline = checks.countRows(connection, List.of("users"));
        exec("DELETE FROM users WHERE id <= 3");
        List<CheckResult> results = checks.run(connection, List.of(rowCount("users"), orphans()), baseline);
        assertEquals("100", results.get(0).expected());
        assertEquals("97", results.get(0).actual());
        assertFalse(results.get(0).passed());
        assertEquals("9", results.get(1).actual(), "three users had three orders each");
        assertFalse(results.get(1).passed());
    }

    @Test
    void theBaselineLeavesOutATableTheTargetDoesNotHave() throws SQLException {
        assertEquals(Map.of("users", 100L), checks.countRows(connection, List.of("users", "invoices")));
    }

    @Test
    void aRowCountWithoutBaselineFailsSayingSo() throws SQLException {
        CheckResult result =
                checks.run(connection, List.of(rowCount("users")), Map.of()).get(0);
        assertFalse(result.passed());
        assertTrue(result.error().contains("no baseline row count for users"), result.error());
    }

    @Test
    void aCheckThatErrorsIsAFailedResultAndTheOthersStillRun() throws SQLException {
        List<CheckResult> results = checks.run(
                connection,
                List.of(new CheckSpec("broken", "SELECT count(*) FROM no_such_table", "0", null, null), orphans()),
                Map.of());
        assertFalse(results.get(0).passed());
        assertNotNull(results.get(0).error());
        assertTrue(results.get(0).error().contains("no_such_table"));
        assertTrue(results.get(1).passed(), "an earlier check's error aborted the next one");
    }

    @Test
    void checksCannotChangeTheTarget() throws SQLException {
        CheckResult result = checks.run(
                        connection,
                        List.of(new CheckSpec(
                                "sneaky",
                                "WITH d AS (DELETE FROM users RETURNING 1) SELECT count(*) FROM d",
                                "0",
                                null,
                                null)),
                        Map.of())
                .get(0);
        assertFalse(result.passed());
        assertTrue(result.error().contains("read-only"), result.error());
        assertEquals(100, count("SELECT count(*) FROM users"));
    }

    @Test
    void aSlowCheckIsCutOffByTheStatementTimeout() throws SQLException {
        CheckResult result = new IntegrityChecks("200ms")
                .run(
                        connection,
                        List.of(new CheckSpec("slow", "SELECT count(*) FROM pg_sleep(2)", "1", null, null)),
                        Map.of())
                .get(0);
        assertFalse(result.passed());
        assertTrue(result.error().contains("statement timeout"), result.error());
    }

    @Test
    void tablesNamedAfterReservedWordsOrInMixedCaseAreCountedNotMistaken() throws SQLException {
        exec("CREATE TABLE \"user\" (id int)");
        exec("INSERT INTO \"user\" SELECT g FROM generate_series(1, 500) g");
        exec("CREATE TABLE \"Order\" (id int)");
        exec("INSERT INTO \"Order\" SELECT g FROM generate_series(1, 7) g");
        // Unquoted, "FROM user" would count the USER function's one row: a check that always passes.
        assertEquals(Map.of("user", 500L, "Order", 7L), checks.countRows(connection, List.of("user", "Order")));
        CheckResult result = checks.run(connection, List.of(rowCount("user")), Map.of("user", 499L))
                .get(0);
        assertFalse(result.passed());
        assertEquals("500", result.actual());
    }

    @Test
    void expectedNumbersCompareAsNumbers() throws SQLException {
        CheckResult result = checks.run(
                        connection, List.of(new CheckSpec("seven", "SELECT 7", "007", null, null)), Map.of())
                .get(0);
        assertTrue(result.passed(), result.toString());
    }

    private void exec(String sql) throws SQLException {
        connection.setAutoCommit(true);
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String sql) throws SQLException {
        connection.setAutoCommit(true);
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
