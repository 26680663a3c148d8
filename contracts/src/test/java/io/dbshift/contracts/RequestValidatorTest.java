package io.dbshift.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.request.BackfillSpec;
import io.dbshift.contracts.request.CheckSpec;
import io.dbshift.contracts.request.FieldError;
import io.dbshift.contracts.request.MigrationRequest;
import io.dbshift.contracts.request.MigrationScript;
import io.dbshift.contracts.request.RequestValidator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {
    private final RequestValidator validator = new RequestValidator(Set.of("staging", "production"));

    static MigrationRequest valid() {
        return new MigrationRequest(
                "add-user-avatar",
                "production",
                "staging",
                null,
                "dba",
                List.of(new MigrationScript("2", "add avatar", "ALTER TABLE users ADD COLUMN avatar_url text", null)),
                List.of(new BackfillSpec("users", "id", "avatar_url = md5(email)", "avatar_url IS NULL", 1000)),
                List.of(
                        new CheckSpec(null, null, "unchanged", null, "users"),
                        new CheckSpec(
                                null, null, null, new CheckSpec.OrphanSpec("orders", "user_id", "users.id"), null),
                        new CheckSpec(
                                "no nulls", "SELECT count(*) FROM users WHERE avatar_url IS NULL", "0", null, null)),
                null);
    }

    private static List<String> fields(List<FieldError> errors) {
        return errors.stream().map(FieldError::field).toList();
    }

    @Test
    void theWorkflowExampleIsValid() {
        assertEquals(List.of(), validator.validate(valid()));
    }

    @Test
    void missingFieldsAreAllNamedAtOnce() {
        MigrationRequest empty = new MigrationRequest(null, null, null, null, null, null, null, null, null);
        assertEquals(List.of("name", "target", "staging", "migrations", "checks"), fields(validator.validate(empty)));
    }

    @Test
    void operationsAloneMakeARequestAndEachIsCheckedForWhatItNeeds() {
        MigrationRequest r = valid();
        java.util.function.Function<List<io.dbshift.contracts.request.SchemaOperation>, MigrationRequest> with =
                ops -> new MigrationRequest(
                        r.name(),
                        r.target(),
                        r.staging(),
                        null,
                        null,
                        List.of(),
                        List.of(),
                        r.checks(),
                        null,
                        null,
                        null,
                        null,
                        ops,
                        null);
        var rename = io.dbshift.contracts.request.SchemaOperation.renameColumn("users", "name", "full_name");
        assertEquals(List.of(), validator.validate(with.apply(List.of(rename))));
        assertEquals(
                List.of("operations[0].to", "operations[1].type", "operations[2].up", "operations[3].op"),
                fields(validator.validate(with.apply(List.of(
                        io.dbshift.contracts.request.SchemaOperation.renameColumn("users", "name", null),
                        io.dbshift.contracts.request.SchemaOperation.changeType("orders", "total", " "),
                        io.dbshift.contracts.request.SchemaOperation.setNotNull("users", "email", null),
                        new io.dbshift.contracts.request.SchemaOperation(
                                "merge-columns", "users", "a", null, null, null, null, null))))));
        List<FieldError> twice = validator.validate(with.apply(List.of(
                rename, io.dbshift.contracts.request.SchemaOperation.changeType("users", "name", "varchar(200)"))));
        assertEquals(List.of("operations[1]"), fields(twice));
        assertTrue(
                twice.get(0).message().contains("one operation per column"),
                twice.get(0).message());
    }

    @Test
    void anUnknownTargetIsNamedWithTheRegisteredOnes() {
        MigrationRequest r = valid();
        MigrationRequest unknown = new MigrationRequest(
                r.name(), "prod-eu", r.staging(), null, null, r.migrations(), r.backfills(), r.checks(), null);
        List<FieldError> errors = validator.validate(unknown);
        assertEquals(List.of("target"), fields(errors));
        assertTrue(
                errors.get(0).message().contains("\"prod-eu\""), errors.get(0).message());
        assertTrue(
                errors.get(0).message().contains("production, staging"),
                errors.get(0).message());
    }

    @Test
    void aWindowWithAnEndButNoStartIsRefusedSinceProductionWouldNeverWaitForIt() {
        MigrationRequest r = valid();
        MigrationRequest endOnly = new MigrationRequest(
                r.name(),
                r.target(),
                r.staging(),
                new io.dbshift.contracts.request.Window(
                        null, java.time.OffsetDateTime.parse("2026-12-01T23:00:00Z"), "UTC"),
                null,
                r.migrations(),
                r.backfills(),
                r.checks(),
                null);
        assertEquals(List.of("window.start"), fields(validator.validate(endOnly)));
    }

    @Test
    void aRequestWithoutChecksIsRefusedBecauseItsVerificationWouldProveNothing() {
        MigrationRequest r = valid();
        MigrationRequest unchecked = new MigrationRequest(
                r.name(), r.target(), r.staging(), null, null, r.migrations(), r.backfills(), List.of(), null);
        List<FieldError> errors = validator.validate(unchecked);
        assertEquals(List.of("checks"), fields(errors));
        assertTrue(errors.get(0).message().contains("Data integrity checks passing"));
    }

    @Test
    void versionsFlywayReadsAsOneAreDuplicates() {
        MigrationRequest r = valid();
        MigrationRequest twice = new MigrationRequest(
                r.name(),
                r.target(),
                r.staging(),
                null,
                null,
                List.of(
                        new MigrationScript("2", "a", "SELECT 1", null),
                                new MigrationScript("2.0", "b", "SELECT 2", null),
                        new MigrationScript("02", "c", "SELECT 3", null),
                                new MigrationScript("2.1", "d", "SELECT 4", null)),
                r.backfills(),
                r.checks(),
                null);
        assertEquals(List.of("migrations[1].version", "migrations[2].version"), fields(validator.validate(twice)));
    }

    @Test
    void stagingMustDifferFromTarget() {
        MigrationRequest r = valid();
        MigrationRequest same = new MigrationRequest(
                r.name(), "production", "production", null, null, r.migrations(), r.backfills(), r.checks(), null);
        assertEquals(List.of("staging"), fields(validator.validate(same)));
    }

    @Test
    void scriptProblemsNameTheirIndex() {
        MigrationRequest r = valid();
        MigrationRequest bad = new MigrationRequest(
                r.name(),
                r.target(),
                r.staging(),
                null,
                null,
                List.of(
                        new MigrationScript("2", "a", "SELECT 1", null),
                        new MigrationScript("2", "b", " ", null),
                        new MigrationScript("v3", "c", "SELECT 1", null)),
                List.of(),
                r.checks(),
                null);
        assertEquals(
                List.of("migrations[1].version", "migrations[1].up", "migrations[2].version"),
                fields(validator.validate(bad)));
    }

    @Test
    void backfillAndCheckProblemsNameTheirField() {
        MigrationRequest r = valid();
        MigrationRequest bad = new MigrationRequest(
                r.name(),
                r.target(),
                r.staging(),
                null,
                null,
                r.migrations(),
                List.of(new BackfillSpec("users; drop table x", null, null, null, 0)),
                List.of(
                        new CheckSpec("two kinds", "SELECT 1", "0", null, "users"),
                        new CheckSpec("no expect", "SELECT 1", null, null, null),
                        new CheckSpec(null, null, null, new CheckSpec.OrphanSpec("orders", "user_id", "users"), null)),
                null);
        assertEquals(
                List.of(
                        "backfills[0].table",
                        "backfills[0].set",
                        "backfills[0].batchSize",
                        "checks[0]",
                        "checks[1].expect",
                        "checks[2].orphans.references"),
                fields(validator.validate(bad)));
    }
}
