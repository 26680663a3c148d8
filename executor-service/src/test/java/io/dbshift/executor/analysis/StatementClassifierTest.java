package io.dbshift.executor.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.schema.ChangeClass;
import io.dbshift.contracts.schema.SchemaSnapshot;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatementClassifierTest {
    static final SchemaSnapshot SNAPSHOT = new SchemaSnapshot(
            "15",
            Instant.EPOCH,
            List.of(new SchemaSnapshot.TableInfo(
                    "public",
                    "users",
                    10,
                    10,
                    List.of(
                            new SchemaSnapshot.ColumnInfo("id", "bigint", false, null),
                            new SchemaSnapshot.ColumnInfo("name", "character varying(50)", false, null),
                            new SchemaSnapshot.ColumnInfo("age", "integer", true, null)),
                    List.of(),
                    List.of())));

    private final StatementClassifier classifier = new StatementClassifier(SNAPSHOT);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "ALTER TABLE users ADD COLUMN avatar_url text | NON_BREAKING",
                "ALTER TABLE users ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now() | NON_BREAKING",
                "ALTER TABLE users ADD COLUMN tier int NOT NULL | BREAKING",
                "CREATE TABLE audit (id bigint primary key) | NON_BREAKING",
                "CREATE INDEX CONCURRENTLY users_name ON users (name) | NON_BREAKING",
                "CREATE UNIQUE INDEX users_email ON users (email) | NON_BREAKING",
                "ALTER TABLE users ALTER COLUMN name TYPE text | NON_BREAKING",
                "ALTER TABLE users ALTER COLUMN age TYPE bigint | NON_BREAKING",
                "ALTER TABLE users ALTER COLUMN age TYPE smallint | BREAKING",
                "ALTER TABLE users DROP COLUMN age | BREAKING",
                "ALTER TABLE users RENAME COLUMN name TO full_name | BREAKING",
                "ALTER TABLE users RENAME TO people | BREAKING",
                "DROP TABLE users | BREAKING",
                "ALTER TABLE users ALTER COLUMN age SET NOT NULL | BREAKING",
                "ALTER TABLE users ALTER COLUMN age DROP NOT NULL | NON_BREAKING",
                "ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0) | BREAKING",
                "ALTER TABLE users DROP CONSTRAINT age_positive | NON_BREAKING",
                "UPDATE users SET avatar_url = md5(email) | DATA_MIGRATION",
                "INSERT INTO users (name) SELECT name FROM people | DATA_MIGRATION",
                "DELETE FROM users WHERE id < 0 | DATA_MIGRATION",
                "WITH x AS (SELECT 1) UPDATE users SET age = 1 | DATA_MIGRATION",
                "COMMENT ON TABLE users IS 'x; y' | NON_BREAKING",
                "ALTER TABLE users ADD COLUMN score int CHECK (score >= 0) | NON_BREAKING",
                "ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age > 0) NOT VALID | BREAKING",
                "ALTER TABLE users VALIDATE CONSTRAINT users_age_check | NON_BREAKING",
                "ALTER TABLE users ALTER COLUMN age TYPE numeric | NON_BREAKING",
                "ALTER TABLE users ALTER COLUMN age TYPE numeric(3) | BREAKING",
                "ALTER TABLE users ALTER COLUMN name TYPE varchar(20) | BREAKING",
                "ALTER TABLE users ALTER COLUMN type DROP DEFAULT | NON_BREAKING",
                "ALTER TABLE users ALTER COLUMN age SET DATA TYPE bigint | NON_BREAKING",
                "ALTER TABLE users ALTER COLUMN age TYPE | BREAKING",
            })
    void classifiesAfterTheWorkflowTable(String sql, ChangeClass expected) {
        assertEquals(
                expected,
                classifier.classify(sql).changeClass(),
                classifier.classify(sql).reason());
    }

    @Test
    void oneBreakingActionMakesTheWholeAlterBreaking() {
        var c = classifier.classify("ALTER TABLE users ADD COLUMN a text, DROP COLUMN age");
        assertEquals(ChangeClass.BREAKING, c.changeClass());
        assertTrue(c.reason().contains("adds column a") && c.reason().contains("drops column age"), c.reason());
        assertEquals(List.of("users"), c.tables());
    }

    @Test
    void anIndexWithoutConcurrentlySaysItBlocksWrites() {
        var c = classifier.classify("CREATE INDEX users_age ON users (age)");
        assertTrue(c.reason().contains("without CONCURRENTLY"), c.reason());
        assertEquals(List.of("users"), c.tables());
    }

    @Test
    void anUnrecognisedAlterIsTreatedAsBreakingUntilReviewed() {
        var c = classifier.classify("ALTER TABLE users SET UNLOGGED");
        assertEquals(ChangeClass.BREAKING, c.changeClass());
        assertTrue(c.reason().contains("not recognised"), c.reason());
    }
}
