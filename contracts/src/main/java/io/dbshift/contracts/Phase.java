package io.dbshift.contracts;

import java.util.Set;

/** The workflow's phases, in order, and how a migration may move between them. */
public enum Phase {
    DESIGN,
    PLAN,
    IMPLEMENT,
    VERIFY,
    COMPLETED,
    FAILED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED;
    }

    /** The phases this one may move to: the next in order, or FAILED from any live phase. */
    public Set<Phase> allowedNext() {
        return switch (this) {
            case DESIGN -> Set.of(PLAN, FAILED);
            case PLAN -> Set.of(IMPLEMENT, FAILED);
            case IMPLEMENT -> Set.of(VERIFY, FAILED);
            case VERIFY -> Set.of(COMPLETED, FAILED);
            case COMPLETED, FAILED -> Set.of();
        };
    }

    public boolean canMoveTo(Phase next) {
        return next == this || allowedNext().contains(next);
    }
}
