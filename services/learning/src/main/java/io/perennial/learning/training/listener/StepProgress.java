package io.perennial.learning.training.listener;

/**
 * Progress of a training run.
 *
 * @param run run name
 * @param step optimiser steps done so far
 * @param epoch current epoch (1-based)
 * @param loss training loss of the latest step
 * @param samplesPerSecond training throughput since the previous report
 * @param samplesSeen samples processed so far
 */
public record StepProgress(String run, long step, int epoch, double loss, double samplesPerSecond, long samplesSeen) {
}
