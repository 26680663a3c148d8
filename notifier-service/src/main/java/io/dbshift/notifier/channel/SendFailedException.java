package io.dbshift.notifier.channel;

import java.time.Duration;

/**
 * A channel did not take a notice. Retryable when the cause may pass (a timeout, a 5xx, a
 * rate limit); not when the receiver refused the notice itself, since sending it again cannot help.
 */
public class SendFailedException extends RuntimeException {
    private final boolean retryable;
    private final Duration retryAfter;

    public SendFailedException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    /** @param retryAfter how long the receiver asked to be left alone (HTTP 429's Retry-After), or null */
    public SendFailedException(String message, boolean retryable, Duration retryAfter) {
        super(message);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public SendFailedException(String message, Throwable cause) {
        super(message, cause);
        this.retryable = true;
        this.retryAfter = null;
    }

    public boolean isRetryable() {
        return retryable;
    }

    /** The wait the receiver asked for, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** True for failures worth another attempt; anything that is not a send failure is a bug, and is not. */
    public static boolean isRetryable(Throwable failure) {
        return failure instanceof SendFailedException e && e.retryable;
    }

    /** The wait a failure asked for, or null. */
    public static Duration retryAfterOf(Throwable failure) {
        return failure instanceof SendFailedException e ? e.retryAfter : null;
    }
}
