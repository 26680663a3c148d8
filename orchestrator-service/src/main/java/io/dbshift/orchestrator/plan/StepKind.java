package io.dbshift.orchestrator.plan;

/** What a plan step asks for, and which service does it. */
public enum StepKind {
    ANALYZE(true),
    BASELINE(false),
    BACKUP(true),
    APPLY(true),
    BACKFILL(true),
    CHECKS(false),
    ROLLBACK_REHEARSAL(true),
    /** Only when production's checks fail: not run otherwise. */
    ROLLBACK(true);

    private final boolean executor;

    StepKind(boolean executor) {
        this.executor = executor;
    }

    /** True for the executor's work, false for the verifier's. */
    public boolean isExecutorWork() {
        return executor;
    }
}
