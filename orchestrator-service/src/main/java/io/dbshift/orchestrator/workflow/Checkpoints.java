package io.dbshift.orchestrator.workflow;

/** The workflow's checkpoint names. Each flips only on evidence the system collected itself. */
public final class Checkpoints {
    /** Staging applied, backfilled and every integrity check passed there. */
    public static final String MIGRATION_REHEARSED = "Migration rehearsed";
    /** Every integrity check passed on production after the change. */
    public static final String DATA_INTEGRITY_CHECKS_PASSING = "Data integrity checks passing";
    /** The production backup was taken, listed, checksummed and test-restored with matching row counts. */
    public static final String BACKUP_VERIFIED = "Backup verified";
    /**
     * On staging, after apply, backfill and verify: the down scripts ran, the schema and row counts equalled those
     * before the migration, and the up scripts applied again to the same schema.
     */
    public static final String ROLLBACK_TESTED = "Rollback tested";

    /** The notifier delivered the plan's notice to every required recipient; the evidence lists the delivery ids. */
    public static final String TEAM_NOTIFIED = "Team notified";

    private Checkpoints() {}
}
