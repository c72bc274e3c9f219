package io.perennial.learning.training.listener;

/**
 * End of an epoch.
 *
 * @param run run name
 * @param epoch epoch (1-based)
 * @param trainLoss mean training loss over the epoch
 * @param validationLoss held-out cross-entropy (NaN without a held-out split)
 * @param validationAccuracy held-out accuracy in [0, 1] (NaN without a held-out split)
 * @param improved whether this epoch is the best so far (its weights are kept)
 */
public record EpochSummary(String run, int epoch, double trainLoss, double validationLoss, double validationAccuracy, boolean improved) {
}
