package io.perennial.contracts.events;

import java.time.Instant;
import java.util.Map;

/** Jobs on {@code perennial.jobs} and their lifecycle on {@code perennial.job-events}, keyed by job id. */
public final class JobEvents {

    private JobEvents() {
    }

    /**
     * What a job does.
     *
     * <ul>
     *   <li>{@code TRAIN_BASE}, {@code TRAIN_ADAPTER}, {@code MERGE}: register a new version.</li>
     *   <li>{@code ASSESS}: reads the post-alarm window, trains nothing and registers nothing; its succeeded report
     *   carries the evidence ({@link JobStatus#result()}) that trainer-service decides on.</li>
     *   <li>{@code PRIOR_CORRECT}: a new version whose regime's class priors are re-estimated (a logit bias, no
     *   adapter).</li>
     *   <li>{@code RESTORE}: a new version that routes an archived regime to its adapter again.</li>
     *   <li>{@code ARCHIVE}: a new version with regimes taken out of routing; their adapters and descriptors stay in
     *   the version, so a recurrence can restore them.</li>
     *   <li>{@code REFINE}: a new version whose regime's adapter (for the base regime: a new adapter) is trained
     *   further on the regime's grown window, still only that regime's retained offsets.</li>
     *   <li>{@code EVALUATE}: reserved, not run by any worker.</li>
     * </ul>
     */
    public enum JobKind { TRAIN_BASE, TRAIN_ADAPTER, MERGE, EVALUATE, ASSESS, PRIOR_CORRECT, RESTORE, ARCHIVE, REFINE }

    /**
     * Work for a gpu-worker. The training window is given by Kafka offsets only: workers read nothing else.
     *
     * @param fromOffsets per partition, the first offset of the training window (inclusive)
     * @param toOffsets per partition, the end of the training window (exclusive)
     * @param parameters kind-specific settings (rank, epochs, merge method, source adapters, ...)
     */
    public record JobRequested(String jobId, JobKind kind, String stream, int attempt, Map<Integer, Long> fromOffsets,
            Map<Integer, Long> toOffsets, Map<String, Object> parameters, Instant requestedAt) {
    }

    /** Phase of a job as reported by the worker running it. */
    public enum Phase { STARTED, HEARTBEAT, PROGRESS, SUCCEEDED, FAILED }

    /**
     * A report from the worker running a job.
     *
     * @param step training step reached (progress events)
     * @param totalSteps planned steps, when known
     * @param loss latest training loss (progress events)
     * @param samplesPerSecond recent training throughput
     * @param version registered model version (succeeded events)
     * @param message failure reason or free text
     * @param retryable for failed events: whether another attempt can succeed (false for example when the data
     *     aged out of retention or the job is malformed); null means retryable
     * @param result for succeeded jobs that register no version ({@code ASSESS}): what the job found; else null
     */
    public record JobStatus(String jobId, int attempt, Phase phase, String worker, Long step, Long totalSteps,
            Double loss, Double samplesPerSecond, Integer version, String message, Instant at, Boolean retryable,
            Map<String, Object> result) {

        /** A report without a result. */
        public JobStatus(String jobId, int attempt, Phase phase, String worker, Long step, Long totalSteps,
                Double loss, Double samplesPerSecond, Integer version, String message, Instant at, Boolean retryable) {
            this(jobId, attempt, phase, worker, step, totalSteps, loss, samplesPerSecond, version, message, at,
                    retryable, null);
        }

        /** A report whose failure, if any, may be retried. */
        public JobStatus(String jobId, int attempt, Phase phase, String worker, Long step, Long totalSteps,
                Double loss, Double samplesPerSecond, Integer version, String message, Instant at) {
            this(jobId, attempt, phase, worker, step, totalSteps, loss, samplesPerSecond, version, message, at, null);
        }

        /** Whether a failure may be retried. */
        public boolean mayRetry() {
            return !Boolean.FALSE.equals(retryable);
        }
    }
}
