package io.perennial.worker.job;

/** The worker is stopping: the job is abandoned without a report, and its message is not committed. */
public class JobCancelledException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public JobCancelledException(String message) {
        super(message);
    }
}
