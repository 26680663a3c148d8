package io.dbshift.notifier.channel;

/**
 * A channel did not take a notice. Retryable when the cause may pass (a timeout, a 5xx, a
 * rate limit); not when the receiver refused the notice itself, since sending it again cannot help.
 */
public class SendFailedException extends RuntimeException {
    private final boolean retryable;

    public SendFailedException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public SendFailedException(String message, Throwable cause) {
        super(message, cause);
        this.retryable = true;
    }

    public boolean isRetryable() {
        return retryable;
    }

    /** True for failures worth another attempt; anything that is not a send failure is a bug, and is not. */
    public static boolean isRetryable(Throwable failure) {
        return failure instanceof SendFailedException e && e.retryable;
    }
}
