package io.perennial.learning.training.listener;

import java.util.List;

/**
 * Callbacks from a training run: start, progress every few steps, end of each epoch, end of run.
 *
 * <p>All methods default to no-ops, so an implementation overrides only what it needs. The gpu-worker
 * turns {@link #onStep} into {@code progress} events on {@code perennial.job-events}. To cancel a run,
 * throw {@link TrainingCancelledException} from any callback: the trainer stops, restores the best
 * weights it has seen and returns a summary with {@link StopReason#CANCELLED}.
 */
public interface TrainingListener {

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() { };

    /**
     * Called once before the first step.
     *
     * @param start what is being trained
     */
    default void onTrainingStart(TrainingStart start) {
    }

    /**
     * Called every {@code progressEverySteps} optimiser steps.
     *
     * @param progress step, epoch, loss and throughput
     */
    default void onStep(StepProgress progress) {
    }

    /**
     * Called after each epoch's validation.
     *
     * @param epoch epoch summary
     */
    default void onEpochEnd(EpochSummary epoch) {
    }

    /**
     * Called once at the end of the run, also after cancellation or early stopping.
     *
     * @param summary the run's summary
     */
    default void onTrainingEnd(TrainingSummary summary) {
    }

    /**
     * Combines listeners; each callback goes to all of them in order.
     *
     * @param listeners listeners
     * @return the composite
     */
    static TrainingListener compose(TrainingListener... listeners) {
        List<TrainingListener> all = List.of(listeners);
        return new TrainingListener() {
            @Override
            public void onTrainingStart(TrainingStart start) {
                all.forEach(l -> l.onTrainingStart(start));
            }

            @Override
            public void onStep(StepProgress progress) {
                all.forEach(l -> l.onStep(progress));
            }

            @Override
            public void onEpochEnd(EpochSummary epoch) {
                all.forEach(l -> l.onEpochEnd(epoch));
            }

            @Override
            public void onTrainingEnd(TrainingSummary summary) {
                all.forEach(l -> l.onTrainingEnd(summary));
            }
        };
    }
}
