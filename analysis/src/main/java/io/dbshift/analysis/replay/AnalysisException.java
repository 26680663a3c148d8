package io.dbshift.analysis.replay;

/** The analysis could not be done; the message says why and what to do, never a password. */
public class AnalysisException extends RuntimeException {
    public AnalysisException(String message) {
        super(message);
    }

    public AnalysisException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The target or its server could not be reached; the message names it, without the password. */
    public static final class Unreachable extends AnalysisException {
        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
