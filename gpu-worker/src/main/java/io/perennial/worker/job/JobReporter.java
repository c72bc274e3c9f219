package io.perennial.worker.job;

import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.contracts.events.JobEvents.JobStatus;
import io.perennial.contracts.events.JobEvents.Phase;
import io.perennial.support.kafka.EventPublisher;
import io.perennial.worker.WorkerProperties;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Publishes a job's reports on {@code perennial.job-events}. Final reports wait for the broker's acknowledgement. */
@Component
public class JobReporter {

    private static final Logger log = LoggerFactory.getLogger(JobReporter.class);

    private final EventPublisher events;
    private final String worker;

    public JobReporter(EventPublisher events, WorkerProperties properties) {
        this.events = events;
        this.worker = properties.getWorkerId();
    }

    public String worker() {
        return worker;
    }

    public void started(JobRequested job) {
        send(status(job, Phase.STARTED, null, null, null, null, null, null, null), false);
    }

    public void heartbeat(JobRequested job) {
        send(status(job, Phase.HEARTBEAT, null, null, null, null, null, null, null), false);
    }

    public void progress(JobRequested job, long step, Long totalSteps, double loss, double samplesPerSecond) {
        send(status(job, Phase.PROGRESS, step, totalSteps, loss, samplesPerSecond, null, null, null), false);
    }

    /** The job reached a named phase (for example {@code evaluating}). */
    public void phase(JobRequested job, String message) {
        send(status(job, Phase.PROGRESS, null, null, null, null, null, message, null), false);
    }

    /** The job is done: the version it registered, or what a job without a version found ({@code result}). */
    public void succeeded(JobRequested job, JobOutcome outcome) {
        send(new JobStatus(job.jobId(), job.attempt(), Phase.SUCCEEDED, worker, null, null, null, null,
                outcome.version(), outcome.message(), Instant.now(), null, outcome.result()), true);
    }

    public void failed(JobRequested job, String reason, boolean retryable) {
        send(status(job, Phase.FAILED, null, null, null, null, null, reason, retryable), true);
    }

    private JobStatus status(JobRequested job, Phase phase, Long step, Long total, Double loss, Double rate,
            Integer version, String message, Boolean retryable) {
        return new JobStatus(job.jobId(), job.attempt(), phase, worker, step, total, loss, rate, version, message,
                Instant.now(), retryable);
    }

    private void send(JobStatus status, boolean acknowledged) {
        var future = events.publish(EventTypes.JOB_STATUS, status.jobId(), status);
        if (!acknowledged) {
            future.whenComplete((r, ex) -> {
                if (ex != null) {
                    log.warn("Job {} {} report not sent: {}", status.jobId(), status.phase(), ex.getMessage());
                }
            });
            return;
        }
        try {
            future.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reporting job " + status.jobId(), ex);
        } catch (ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("could not report job " + status.jobId() + " " + status.phase(), ex);
        }
    }
}
