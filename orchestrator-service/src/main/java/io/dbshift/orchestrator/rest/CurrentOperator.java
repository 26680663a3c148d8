package io.dbshift.orchestrator.rest;

import jakarta.enterprise.context.RequestScoped;

/** Who the call in progress is from; set by {@link AccessFilter}. */
@RequestScoped
public class CurrentOperator {
    private Operators.Identity identity;

    /** The caller; a call the access filter did not see has none, and fails rather than act as anyone. */
    public Operators.Identity get() {
        if (identity == null) {
            throw new IllegalStateException("no operator for this call: the access filter did not run");
        }
        return identity;
    }

    void set(Operators.Identity identity) {
        this.identity = identity;
    }

    public String name() {
        return get().name();
    }
}
