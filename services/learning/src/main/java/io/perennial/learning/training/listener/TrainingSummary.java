package io.perennial.learning.training.listener;

/**
 * The outcome of a training run.
 *
 * @param run run name
 * @param steps optimiser steps taken
 * @param epochs epochs run
 * @param bestEpoch epoch whose weights were kept
 * @param finalTrainLoss mean training loss of the last epoch
 * @param bestValidationLoss held-out loss of the kept weights (NaN without a split)
 * @param bestValidationAccuracy held-out accuracy of the kept weights (NaN without a split)
 * @param trainableParameters scalars trained
 * @param trainSeconds wall time of the step loop
 * @param samplesPerSecond training samples per second over the run
 * @param stopReason why it ended
 */
public record TrainingSummary(String run, long steps, int epochs, int bestEpoch, double finalTrainLoss,
        double bestValidationLoss, double bestValidationAccuracy, long trainableParameters, double trainSeconds,
        double samplesPerSecond, StopReason stopReason) {
}
