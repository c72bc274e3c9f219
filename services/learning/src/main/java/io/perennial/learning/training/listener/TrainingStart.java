package io.perennial.learning.training.listener;

/**
 * What a training run is about to do.
 *
 * @param run run name (for example the adapter name)
 * @param trainableParameters number of scalars being trained
 * @param trainSamples samples used for gradient steps
 * @param validationSamples held-out samples used for early stopping (0 if none)
 * @param epochs maximum epochs
 * @param batchSize batch size
 */
public record TrainingStart(String run, long trainableParameters, int trainSamples, int validationSamples, int epochs, int batchSize) {
}
