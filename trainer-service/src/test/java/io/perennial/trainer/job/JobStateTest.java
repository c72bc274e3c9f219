package io.perennial.trainer.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobStateTest {

    @Test
    void terminalStatesOnlyReopenAsANewAttempt() {
        assertThat(JobState.SUCCEEDED.canMoveTo(JobState.QUEUED)).isFalse();
        assertThat(JobState.SUCCEEDED.canMoveTo(JobState.FAILED)).isFalse();
        assertThat(JobState.FAILED.canMoveTo(JobState.QUEUED)).isTrue();
        assertThat(JobState.CANCELLED.canMoveTo(JobState.RUNNING)).isFalse();
        assertThat(JobState.FAILED.terminal()).isTrue();
        assertThat(JobState.EVALUATING.terminal()).isFalse();
    }

    @Test
    void runningJobsCanBeEvaluatedRequeuedOrCancelledButQueuedOnesCannotSkipAhead() {
        assertThat(JobState.RUNNING.canMoveTo(JobState.EVALUATING)).isTrue();
        assertThat(JobState.RUNNING.canMoveTo(JobState.QUEUED)).isTrue();
        assertThat(JobState.QUEUED.canMoveTo(JobState.EVALUATING)).isFalse();
        assertThat(JobState.QUEUED.canMoveTo(JobState.SUCCEEDED)).isFalse();
        assertThat(JobState.EVALUATING.canMoveTo(JobState.RUNNING)).isFalse();
        assertThat(JobState.QUEUED.canMoveTo(JobState.CANCELLED)).isTrue();
    }
}
