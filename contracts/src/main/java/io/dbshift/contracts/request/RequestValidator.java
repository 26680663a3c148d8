package io.dbshift.contracts.request;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a request before anything runs. Every problem is reported at once, each naming its
 * field, so an operator fixes the request in one round.
 */
public final class RequestValidator {
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+)*");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    private final Set<String> knownTargets;

    /** @param knownTargets the names of the registered targets */
    public RequestValidator(Set<String> knownTargets) {
        this.knownTargets = Set.copyOf(knownTargets);
    }

    public List<FieldError> validate(MigrationRequest request) {
        List<FieldError> errors = new ArrayList<>();
        if (request == null) {
            errors.add(new FieldError(
                    "$", "the request is empty; send a JSON object with name, target, staging and migrations"));
            return errors;
        }
        if (blank(request.name())) {
            errors.add(new FieldError("name", "is required, e.g. \"add-user-avatar\""));
        }
        target(errors, "target", request.target());
        target(errors, "staging", request.staging());
        if (!blank(request.target()) && request.target().equals(request.staging())) {
            errors.add(
                    new FieldError("staging", "must differ from target: a rehearsal on production is not a rehearsal"));
        }
        if (request.window() != null
                && request.window().start() == null
                && request.window().end() != null) {
            errors.add(new FieldError("window.start", "is required when window.end is given: production waits for it"));
        }
        if (request.window() != null
                && request.window().start() != null
                && request.window().end() != null
                && !request.window().end().isAfter(request.window().start())) {
            errors.add(new FieldError("window.end", "must be after window.start"));
        }
        if (request.migrations().isEmpty() && request.operations().isEmpty()) {
            errors.add(new FieldError(
                    "migrations", "at least one migration script, or one expand/contract operation, is required"));
        }
        Set<String> changed = new HashSet<>();
        for (int i = 0; i < request.operations().size(); i++) {
            SchemaOperation op = request.operations().get(i);
            operation(errors, "operations[" + i + "]", op);
            if (op != null
                    && op.table() != null
                    && op.column() != null
                    && !changed.add(op.table() + "." + op.column())) {
                errors.add(new FieldError(
                        "operations[" + i + "]",
                        "changes " + op.table() + "." + op.column() + " again: one operation per column in a migration"
                                + " (they are expanded together, each from the table as it was)"));
            }
        }
        Set<String> versions = new HashSet<>();
        for (int i = 0; i < request.migrations().size(); i++) {
            MigrationScript script = request.migrations().get(i);
            String at = "migrations[" + i + "]";
            if (script == null) {
                errors.add(new FieldError(at, "is null"));
                continue;
            }
            if (blank(script.version()) || !VERSION.matcher(script.version()).matches()) {
                errors.add(new FieldError(at + ".version", "is required and must look like 2 or 2.1"));
            } else if (!versions.add(normalized(script.version()))) {
                errors.add(new FieldError(
                        at + ".version",
                        "version " + script.version()
                                + " appears twice (Flyway reads 2, 02 and 2.0 as the same version)"));
            }
            if (blank(script.up())) {
                errors.add(new FieldError(at + ".up", "is required: the SQL to apply"));
            }
        }
        if (request.onFailedVerification() != null
                && !List.of("rollback", "restore", "stop").contains(request.onFailedVerification())) {
            errors.add(new FieldError(
                    "onFailedVerification",
                    "must be \"rollback\" (the default: roll production back by the down scripts staging proved),"
                            + " \"restore\" (or else restore its backup, losing writes since) or \"stop\" (leave it"
                            + " for an operator)"));
        }
        if (request.irreversible() != null) {
            if (blank(request.irreversible().acceptedBy())) {
                errors.add(new FieldError(
                        "irreversible.acceptedBy", "is required: who accepts going to production without a rollback"));
            }
            if (blank(request.irreversible().reason())) {
                errors.add(
                        new FieldError(
                                "irreversible.reason",
                                "is required: why going on without a rollback is acceptable, e.g. \"restore from the backup\""));
            }
        }
        for (int i = 0; i < request.backfills().size(); i++) {
            errors.addAll(backfill(request.backfills().get(i), "backfills[" + i + "]"));
        }
        if (request.checks().isEmpty()) {
            errors.add(new FieldError(
                    "checks",
                    "at least one integrity check is required: the \"Data integrity checks passing\" "
                            + "checkpoint needs evidence, e.g. {\"rowCount\": \"users\", \"expect\": \"unchanged\"}"));
        }
        for (int i = 0; i < request.checks().size(); i++) {
            check(errors, "checks[" + i + "]", request.checks().get(i));
        }
        return errors;
    }

    private void operation(List<FieldError> errors, String at, SchemaOperation op) {
        if (op == null) {
            errors.add(new FieldError(at, "is null"));
            return;
        }
        if (op.op() == null || !SchemaOperation.OPS.contains(op.op())) {
            errors.add(new FieldError(at + ".op", "must be one of " + String.join(", ", SchemaOperation.OPS)));
            return;
        }
        if (blank(op.table())) {
            errors.add(new FieldError(at + ".table", "is required: the table to change"));
        }
        if (blank(op.column())) {
            errors.add(new FieldError(at + ".column", "is required: the column to change"));
        }
        switch (op.op()) {
            case "rename-column" -> {
                if (blank(op.to())) {
                    errors.add(new FieldError(at + ".to", "is required: the new name"));
                }
            }
            case "change-type" -> {
                if (blank(op.type())) {
                    errors.add(new FieldError(at + ".type", "is required: the new type, e.g. bigint"));
                }
            }
            case "set-not-null" -> {
                if (blank(op.up())) {
                    errors.add(new FieldError(
                            at + ".up",
                            "is required: the value for rows where the column is NULL, e.g. coalesce(x, '')"));
                }
            }
            case "split-column" -> {
                if (op.intoOrEmpty().isEmpty()) {
                    errors.add(new FieldError(at + ".into", "is required: the new columns, each with name, type, up"));
                }
                if (blank(op.down())) {
                    errors.add(new FieldError(at + ".down", "is required: the old value from the new columns"));
                }
            }
            default -> {}
        }
    }

    private void check(List<FieldError> errors, String at, CheckSpec check) {
        if (check == null) {
            errors.add(new FieldError(at, "is null"));
            return;
        }
        int kinds =
                (blank(check.sql()) ? 0 : 1) + (check.orphans() == null ? 0 : 1) + (blank(check.rowCount()) ? 0 : 1);
        if (kinds != 1) {
            errors.add(new FieldError(at, "set exactly one of sql, orphans or rowCount"));
            return;
        }
        if (!blank(check.sql()) && (blank(check.expect()) || !isNumber(check.expect()))) {
            errors.add(new FieldError(at + ".expect", "is required for an sql check and must be a number"));
        }
        if (!blank(check.rowCount())) {
            if (!IDENTIFIER.matcher(check.rowCount()).matches()) {
                errors.add(new FieldError(at + ".rowCount", "must be a table name"));
            }
            if (!blank(check.expect()) && !CheckSpec.UNCHANGED.equals(check.expect()) && !isNumber(check.expect())) {
                errors.add(new FieldError(at + ".expect", "must be \"unchanged\" or a number"));
            }
        }
        if (check.orphans() != null) {
            CheckSpec.OrphanSpec o = check.orphans();
            if (blank(o.table()) || !IDENTIFIER.matcher(o.table()).matches()) {
                errors.add(new FieldError(at + ".orphans.table", "is required and must be a table name"));
            }
            if (blank(o.column()) || !IDENTIFIER.matcher(o.column()).matches()) {
                errors.add(new FieldError(at + ".orphans.column", "is required and must be a column name"));
            }
            if (blank(o.references())
                    || !o.references().contains(".")
                    || !IDENTIFIER.matcher(o.references()).matches()) {
                errors.add(new FieldError(at + ".orphans.references", "is required, as table.column, e.g. users.id"));
            }
        }
    }

    private void target(List<FieldError> errors, String field, String name) {
        if (blank(name)) {
            errors.add(new FieldError(field, "is required; registered targets: " + String.join(", ", sorted())));
        } else if (!knownTargets.contains(name)) {
            errors.add(new FieldError(
                    field, "unknown target \"" + name + "\"; registered targets: " + String.join(", ", sorted())));
        }
    }

    private List<String> sorted() {
        return knownTargets.stream().sorted().toList();
    }

    /** Flyway reads 2, 02 and 2.0 as one version. */
    public static String normalized(String version) {
        String[] parts = version.split("\\.");
        int end = parts.length;
        while (end > 1 && parts[end - 1].matches("0+")) {
            end--;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < end; i++) {
            out.append(i == 0 ? "" : ".").append(new java.math.BigInteger(parts[i]));
        }
        return out.toString();
    }

    private static boolean isNumber(String s) {
        return s.matches("-?\\d+");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** The problems of one backfill spec, each named under {@code at} (e.g. {@code backfills[0]}). */
    public static List<FieldError> backfill(BackfillSpec backfill, String at) {
        List<FieldError> errors = new ArrayList<>();
        if (backfill == null) {
            errors.add(new FieldError(at, "is null"));
            return errors;
        }
        if (blank(backfill.table()) || !IDENTIFIER.matcher(backfill.table()).matches()) {
            errors.add(new FieldError(at + ".table", "is required and must be a table name"));
        }
        if (backfill.key() != null
                && !java.util.Arrays.stream(backfill.key().split(",", -1))
                        .allMatch(k -> IDENTIFIER.matcher(k.strip()).matches())) {
            errors.add(new FieldError(at + ".key", "must be a column name, or several separated by commas"));
        }
        if (blank(backfill.set()) && blank(backfill.transformer())) {
            errors.add(new FieldError(
                    at + ".set", "is required (e.g. \"avatar_url = md5(email)\"), or a \"transformer\" by name"));
        } else if (!blank(backfill.set()) && !blank(backfill.transformer())) {
            errors.add(new FieldError(at + ".transformer", "is given with \"set\": give one of the two"));
        }
        if (!blank(backfill.transformer())
                && !backfill.columnsOrEmpty().stream()
                        .allMatch(c -> c != null && IDENTIFIER.matcher(c).matches())) {
            errors.add(new FieldError(at + ".columns", "must be column names"));
        }
        if (backfill.batchSize() != null && (backfill.batchSize() < 1 || backfill.batchSize() > 1_000_000)) {
            errors.add(new FieldError(at + ".batchSize", "must be between 1 and 1000000"));
        }
        if (backfill.targetBatchMillis() != null
                && (backfill.targetBatchMillis() < 10 || backfill.targetBatchMillis() > 60_000)) {
            errors.add(new FieldError(at + ".targetBatchMillis", "must be between 10 and 60000"));
        }
        if (backfill.pauseMillis() != null && (backfill.pauseMillis() < 0 || backfill.pauseMillis() > 60_000)) {
            errors.add(new FieldError(at + ".pauseMillis", "must be between 0 and 60000"));
        }
        return errors;
    }
}
