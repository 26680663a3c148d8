package io.dbshift.orchestrator.plan;

/** What a plan step asks for, and which service does it. */
public enum StepKind {
    ANALYZE(true),
    BASELINE(false),
    BACKUP(true),
    APPLY(true),
    BACKFILL(true),
    CHECKS(false),
    /** Expand/contract: add the new shape beside the old, with triggers keeping both in sync. */
    EXPAND(true),
    /** Expand/contract: fill the new shape from the old in keyset batches. */
    FILL(true),
    /** Expand/contract: put the new shape under its final names; the new schema is ready. */
    SWITCH(true),
    /** Expand/contract: remove the old shape, once the application switched. */
    CONTRACT(true),
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
