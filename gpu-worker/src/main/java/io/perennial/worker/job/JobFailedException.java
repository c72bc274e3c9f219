package io.perennial.worker.job;

/** A job that cannot finish; {@code retryable} tells the trainer whether another attempt can help. */
public class JobFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public JobFailedException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
