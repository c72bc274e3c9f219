package io.perennial.worker.job;

import io.perennial.contracts.events.JobEvents.JobKind;

/** Runs the jobs of one {@link JobKind}; the steps every kind shares are on {@link JobRun}. */
interface JobHandler {

    JobKind kind();

    /**
     * Whether the job registers a version. A redelivered job of such a kind finds the version its earlier attempt
     * registered and reports that instead of running again.
     */
    default boolean registersVersion() {
        return true;
    }

    /**
     * Runs the job.
     *
     * @throws JobFailedException when it cannot succeed
     * @throws JobCancelledException when the job was abandoned or cancelled
     */
    JobOutcome run(JobRun run);
}
