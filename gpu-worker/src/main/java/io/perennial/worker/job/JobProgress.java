package io.perennial.worker.job;

import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.learning.training.listener.StepProgress;
import io.perennial.learning.training.listener.TrainingCancelledException;
import io.perennial.learning.training.listener.TrainingListener;
import io.perennial.learning.training.listener.TrainingStart;
import io.perennial.learning.training.listener.TrainingSummary;
import java.util.function.BooleanSupplier;

/** Streams training progress as job reports, throttled, and stops training when the job is abandoned. */
final class JobProgress implements TrainingListener {

    private static final long REPORT_EVERY_NANOS = 250_000_000L;

    private final JobRequested job;
    private final JobReporter reporter;
    private final BooleanSupplier cancelled;
    private Long totalSteps;
    private long lastReport;
    private TrainingSummary summary;

    JobProgress(JobRequested job, JobReporter reporter, BooleanSupplier cancelled) {
        this.job = job;
        this.reporter = reporter;
        this.cancelled = cancelled;
    }

    /** The summary of the training run, or null when nothing was trained. */
    TrainingSummary summary() {
        return summary;
    }

    @Override
    public void onTrainingStart(TrainingStart start) {
        long perEpoch = Math.max(1, (start.trainSamples() + start.batchSize() - 1) / start.batchSize());
        totalSteps = perEpoch * start.epochs();
    }

    @Override
    public void onStep(StepProgress progress) {
        if (cancelled.getAsBoolean()) {
            throw new TrainingCancelledException("worker stopping");
        }
        long now = System.nanoTime();
        if (now - lastReport > REPORT_EVERY_NANOS) {
            lastReport = now;
            reporter.progress(job, progress.step(), totalSteps, progress.loss(), progress.samplesPerSecond());
        }
    }

    @Override
    public void onTrainingEnd(TrainingSummary s) {
        summary = s;
    }
}
