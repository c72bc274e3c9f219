package io.perennial.trainer.job;

import java.util.EnumSet;
import java.util.Set;

/** The life of a job. Only the transitions listed in {@link #canMoveTo} happen. */
public enum JobState {
    QUEUED, RUNNING, EVALUATING, SUCCEEDED, FAILED, CANCELLED;

    /** Whether the job is over. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** Whether a job in this state may move to {@code next}. */
    public boolean canMoveTo(JobState next) {
        return allowedNext().contains(next);
    }

    private Set<JobState> allowedNext() {
        return switch (this) {
            // A queued job goes back to QUEUED when it is re-requested (new attempt).
            case QUEUED -> EnumSet.of(QUEUED, RUNNING, FAILED, CANCELLED);
            case RUNNING -> EnumSet.of(QUEUED, EVALUATING, SUCCEEDED, FAILED, CANCELLED);
            case EVALUATING -> EnumSet.of(QUEUED, SUCCEEDED, FAILED, CANCELLED);
            case FAILED, CANCELLED -> EnumSet.of(QUEUED);
            case SUCCEEDED -> EnumSet.noneOf(JobState.class);
        };
    }
}
