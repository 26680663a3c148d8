package io.dbshift.orchestrator.plan;

import io.dbshift.contracts.Phase;
import io.dbshift.contracts.request.MigrationRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of a migration, derived from its request alone (so every replica derives the same
 * list): analyse production; rehearse on staging (baseline, apply, backfill, verify, roll back); then the
 * same on production, after a backup proven by a test restore, whose verification is the verify phase. A request
 * with expand/contract operations adds expand, fill and switch after apply, and contract after verify: production's
 * checks run while the old shape still exists, so a rollback is instant until the application has switched.
 */
public final class Steps {
    private Steps() {}

    public static List<PlanStep> of(MigrationRequest request) {
        List<PlanStep> steps = new ArrayList<>();
        steps.add(new PlanStep(
                "design.analyze",
                Phase.DESIGN,
                StepKind.ANALYZE,
                request.target(),
                "snapshot the schema of " + request.target() + " and classify every statement"));
        for (String role : List.of("staging", "production")) {
            String target = role.equals("staging") ? request.staging() : request.target();
            steps.add(new PlanStep(
                    role + ".baseline",
                    Phase.IMPLEMENT,
                    StepKind.BASELINE,
                    target,
                    "count the rows of " + target + " before it changes"));
            if (role.equals("production")) {
                steps.add(new PlanStep(
                        "production.backup",
                        Phase.IMPLEMENT,
                        StepKind.BACKUP,
                        target,
                        "back up " + target + " with pg_dump -Fc and prove the archive by a test restore"));
            }
            steps.add(new PlanStep(
                    role + ".apply",
                    Phase.IMPLEMENT,
                    StepKind.APPLY,
                    target,
                    request.migrations().isEmpty()
                            ? "record the schema of " + target + " before it changes (no scripts to apply)"
                            : "apply version(s) " + versions(request) + " to " + target + " with Flyway"));
            boolean reshapes = !request.operations().isEmpty();
            if (reshapes && role.equals("staging") && !request.migrations().isEmpty()) {
                // Before the expand: the down scripts are proven against the schema the scripts left, which the
                // expand/contract operations would otherwise be part of.
                steps.add(rollbackRehearsal(target));
            }
            if (reshapes) {
                String operations = String.join(
                        "; ",
                        request.operations().stream().map(o -> o.describe()).toList());
                steps.add(new PlanStep(
                        role + ".expand",
                        Phase.IMPLEMENT,
                        StepKind.EXPAND,
                        target,
                        "expand " + target + " for " + operations + ": the new shape beside the old, triggers keeping"
                                + " both in sync both ways"
                                + (role.equals("staging")
                                        ? "; rolled back once and the table compared with before, then expanded again"
                                        : "")));
                steps.add(new PlanStep(
                        role + ".fill",
                        Phase.IMPLEMENT,
                        StepKind.FILL,
                        target,
                        "fill the new shape on " + target + " in keyset batches; build its indexes concurrently and"
                                + " validate its constraints"));
                steps.add(new PlanStep(
                        role + ".switch",
                        Phase.IMPLEMENT,
                        StepKind.SWITCH,
                        target,
                        "put the new shape under its final names on " + target + " and publish \"new schema ready\""));
            }
            if (!request.backfills().isEmpty()) {
                steps.add(new PlanStep(
                        role + ".backfill",
                        Phase.IMPLEMENT,
                        StepKind.BACKFILL,
                        target,
                        "backfill "
                                + String.join(
                                        ", ",
                                        request.backfills().stream()
                                                .map(b -> b.table())
                                                .toList()) + " on " + target + " in keyset batches"));
            }
            steps.add(new PlanStep(
                    role + ".verify",
                    role.equals("staging") ? Phase.IMPLEMENT : Phase.VERIFY,
                    StepKind.CHECKS,
                    target,
                    "run the integrity checks on " + target));
            if (role.equals("staging") && !reshapes) {
                steps.add(rollbackRehearsal(target));
            }
            if (reshapes) {
                steps.add(new PlanStep(
                        role + ".contract",
                        role.equals("staging") ? Phase.IMPLEMENT : Phase.VERIFY,
                        StepKind.CONTRACT,
                        target,
                        role.equals("staging")
                                ? "remove the old shape on " + target
                                : "wait for the application to switch to the new shape (an ApplicationSwitched"
                                        + " event or dbshift next), then remove the old shape on " + target
                                        + " and publish \"old schema removed\""));
            }
        }
        // Run only when production's checks fail (unless the request says stop), or when an operator asks.
        steps.add(new PlanStep(
                "production.rollback",
                Phase.VERIFY,
                StepKind.ROLLBACK,
                request.target(),
                "only if production's checks fail or an operator asks: roll " + request.target() + " back by its"
                        + " down scripts when staging proved them, else from the verified backup, and verify the"
                        + " rollback"));
        return List.copyOf(steps);
    }

    private static PlanStep rollbackRehearsal(String target) {
        return new PlanStep(
                "staging.rollback",
                Phase.IMPLEMENT,
                StepKind.ROLLBACK_REHEARSAL,
                target,
                "prove the rollback on " + target + ": the down scripts, schema and row counts compared with"
                        + " before the migration, the up scripts again; in one transaction, rolled back");
    }

    static String versions(MigrationRequest request) {
        return String.join(
                ", ", request.migrations().stream().map(m -> m.version()).toList());
    }
}
