package io.perennial.learning.training.listener;

/** Why a training run ended. */
public enum StopReason {
    /** All epochs ran. */
    COMPLETED,
    /** The held-out metric stopped improving for {@code patience} epochs. */
    EARLY_STOPPED,
    /** The step budget was reached. */
    MAX_STEPS,
    /** A listener threw {@link TrainingCancelledException}. */
    CANCELLED
}
