package io.dbshift.executor;

/**
 * The target database refused a step's work: a script that does not apply, a backfill batch that
 * fails. The message says what and where; the SQLSTATE is PostgreSQL's, when it gave one.
 */
public class TargetRefusedException extends RuntimeException {
    private final String sqlState;

    public TargetRefusedException(String message, String sqlState, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    public String sqlState() {
        return sqlState;
    }
}
