package io.dbshift.orchestrator.rest;

import java.util.Locale;

/** What an operator may do. Each role may do what the ones before it may. */
public enum Role {
    /** Read migrations, plans, reports, events. */
    VIEWER,
    /** Submit migrations, roll back, say next, mark checkpoints. */
    OPERATOR,
    /** Approve and reject. */
    APPROVER,
    /** Everything, and read the audit trail. */
    ADMIN;

    public boolean permits(Role needed) {
        return compareTo(needed) >= 0;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A configured role; the error names the setting and the choices. */
    static Role parse(String value, String setting) {
        try {
            return Role.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    setting + " is \"" + value + "\"; it must be viewer, operator, approver or admin");
        }
    }
}
