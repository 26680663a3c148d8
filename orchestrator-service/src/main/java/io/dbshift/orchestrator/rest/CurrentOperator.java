package io.dbshift.orchestrator.rest;

import jakarta.enterprise.context.RequestScoped;

/** Who the call in progress is from; set by {@link AccessFilter}. */
@RequestScoped
public class CurrentOperator {
    private Operators.Identity identity = Operators.ANONYMOUS;

    public Operators.Identity get() {
        return identity;
    }

    void set(Operators.Identity identity) {
        this.identity = identity;
    }

    public String name() {
        return identity.name();
    }
}
