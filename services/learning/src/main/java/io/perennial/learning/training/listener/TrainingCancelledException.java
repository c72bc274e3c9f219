package io.perennial.learning.training.listener;

/**
 * Thrown by a {@link TrainingListener} to stop a run (for example when its job was cancelled); the
 * trainer keeps the best weights seen so far and reports {@link StopReason#CANCELLED}.
 */
public class TrainingCancelledException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param reason why the run is stopped
     */
    public TrainingCancelledException(String reason) {
        super(reason);
    }
}
