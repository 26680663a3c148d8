package io.dbshift.orchestrator.plan;

import io.dbshift.contracts.Phase;
import io.dbshift.contracts.request.MigrationRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of a migration, derived from its request alone (so every replica derives the same
 * list): analyse production; rehearse on staging (baseline, apply, backfill, verify, roll back); then the
 * same on production, after a backup proven by a test restore, whose verification is the verify phase.
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
                    "apply version(s) " + versions(request) + " to " + target + " with Flyway"));
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
            if (role.equals("staging")) {
                steps.add(new PlanStep(
                        "staging.rollback",
                        Phase.IMPLEMENT,
                        StepKind.ROLLBACK_REHEARSAL,
                        target,
                        "prove the rollback on " + target + ": the down scripts, schema and row counts compared with"
                                + " before the migration, the up scripts again; in one transaction, rolled back"));
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

    static String versions(MigrationRequest request) {
        return String.join(
                ", ", request.migrations().stream().map(m -> m.version()).toList());
    }
}
