package io.dbshift.cli;

/** A failure to tell the operator about, with the exit code it ends in. */
final class CliException extends RuntimeException {
    final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }
}
