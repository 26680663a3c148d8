package io.dbshift.support;

/** A failure that no retry can fix (a conflicting request, a contradiction in the input): it is dead-lettered at once. */
public class PermanentFailure extends RuntimeException {
    public PermanentFailure(String message) {
        super(message);
    }
}
