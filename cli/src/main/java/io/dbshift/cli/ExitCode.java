package io.dbshift.cli;

/** Exit codes a script can rely on. */
final class ExitCode {
    /** Done; for watch: the migration completed. */
    static final int OK = 0;
    /** The migration failed (watch, status of a failed migration with --fail-on-failed). */
    static final int MIGRATION_FAILED = 1;
    /** Bad usage, or a request the orchestrator refused as invalid. */
    static final int INVALID = 2;
    /** The orchestrator (or the Kafka broker) could not be reached. */
    static final int UNREACHABLE = 3;
    /** No such migration. */
    static final int NOT_FOUND = 4;
    /** A wait ran out of time. */
    static final int TIMED_OUT = 5;
    /** The orchestrator refused who is asking: no or an unknown token (401), or a role too low (403). */
    static final int NOT_ALLOWED = 6;
    /** Anything else. */
    static final int UNEXPECTED = 10;

    private ExitCode() {}
}
