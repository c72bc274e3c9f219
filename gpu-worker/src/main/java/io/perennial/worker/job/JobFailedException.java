package io.perennial.worker.job;

/** A job that cannot finish; {@code retryable} tells the trainer whether another attempt can help. */
public class JobFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public JobFailedException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** A failure no other attempt can fix (malformed job, data gone, nothing to work on). */
    public static JobFailedException permanent(String message) {
        return new JobFailedException(message, false, null);
    }

    /** A failure no other attempt can fix, caused by {@code cause}. */
    public static JobFailedException permanent(String message, Throwable cause) {
        return new JobFailedException(message, false, cause);
    }

    /** A failure another attempt may not meet (an outage, a full disk). */
    public static JobFailedException retryable(String message, Throwable cause) {
        return new JobFailedException(message, true, cause);
    }

    public boolean retryable() {
        return retryable;
    }
}
