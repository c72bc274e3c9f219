package io.perennial.learning.training.listener;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs progress, epochs and the summary at INFO (steps at DEBUG). */
public final class LoggingTrainingListener implements TrainingListener {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingTrainingListener.class);

    @Override
    public void onTrainingStart(TrainingStart s) {
        LOG.info("[{}] training {} parameters on {} samples ({} held out), up to {} epochs, batch {}",
                s.run(), s.trainableParameters(), s.trainSamples(), s.validationSamples(), s.epochs(), s.batchSize());
    }

    @Override
    public void onStep(StepProgress p) {
        LOG.debug("[{}] step {} epoch {} loss {} ({} samples/s)", p.run(), p.step(), p.epoch(),
                String.format("%.4f", p.loss()), String.format("%.0f", p.samplesPerSecond()));
    }

    @Override
    public void onEpochEnd(EpochSummary e) {
        LOG.info("[{}] epoch {} train loss {} val loss {} val acc {}{}", e.run(), e.epoch(),
                String.format("%.4f", e.trainLoss()), String.format("%.4f", e.validationLoss()),
                String.format("%.4f", e.validationAccuracy()), e.improved() ? " *" : "");
    }

    @Override
    public void onTrainingEnd(TrainingSummary s) {
        LOG.info("[{}] done: {} steps, {} epochs (best {}), {} in {}s ({} samples/s)", s.run(), s.steps(), s.epochs(),
                s.bestEpoch(), s.stopReason(), String.format("%.2f", s.trainSeconds()), String.format("%.0f", s.samplesPerSecond()));
    }
}
