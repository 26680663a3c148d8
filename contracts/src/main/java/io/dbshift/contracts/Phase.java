package io.dbshift.contracts;

import java.util.Set;

/** The workflow's phases, in order, and how a migration may move between them. */
public enum Phase {
    DESIGN,
    PLAN,
    IMPLEMENT,
    VERIFY,
    COMPLETED,
    FAILED,
    /** An operator asked for production to be rolled back after the migration ended; the rollback runs. */
    ROLLING_BACK,
    /** Production was rolled back at an operator's request, and the rollback verified. */
    ROLLED_BACK;

    /** No step runs: the migration ended. Only an operator's rollback takes an ended migration further. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == ROLLED_BACK;
    }

    /**
     * The phases this one may move to: the next in order, or FAILED from any live phase; an ended migration to
     * ROLLING_BACK when an operator asks for its rollback.
     */
    public Set<Phase> allowedNext() {
        return switch (this) {
            case DESIGN -> Set.of(PLAN, FAILED);
            case PLAN -> Set.of(IMPLEMENT, FAILED);
            case IMPLEMENT -> Set.of(VERIFY, FAILED);
            case VERIFY -> Set.of(COMPLETED, FAILED);
            case COMPLETED, FAILED -> Set.of(ROLLING_BACK);
            case ROLLING_BACK -> Set.of(ROLLED_BACK, FAILED);
            case ROLLED_BACK -> Set.of();
        };
    }

    public boolean canMoveTo(Phase next) {
        return next == this || allowedNext().contains(next);
    }
}
