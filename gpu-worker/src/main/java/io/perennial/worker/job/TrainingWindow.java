package io.perennial.worker.job;

import io.perennial.learning.data.LabeledData;
import java.util.List;

/**
 * The labelled samples of a job's offset window, in offset order per partition.
 *
 * @param data features and class indices, ready for training
 * @param sampleIds ids of the samples in {@code data}, row by row
 * @param unlabelled samples in the window without a label (not trainable)
 * @param invalid samples in the window that do not match the stream (wrong feature count or unknown label)
 */
public record TrainingWindow(LabeledData data, List<String> sampleIds, int unlabelled, int invalid) {
}
