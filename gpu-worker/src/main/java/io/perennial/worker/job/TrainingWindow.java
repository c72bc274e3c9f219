package io.perennial.worker.job;

import io.perennial.learning.data.LabeledData;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The labelled samples of a job's offset window, in offset order per partition.
 *
 * @param data features and class indices, ready for training
 * @param sampleIds ids of the samples in {@code data}, row by row
 * @param offsets the Kafka offset of each row (within its partition)
 * @param unlabelled samples in the window without a label, neither in the sample nor sent later (not trainable)
 * @param invalid samples in the window that do not match the stream (wrong feature count or unknown label)
 * @param lateLabelled samples in {@code data} whose label was sent after them, on {@code perennial.labels}
 * @param labelled per row of {@code data}, whether it carries a real label; all true unless the window was read
 *     with its unlabelled samples ({@link TrainingWindowReader#readAll}), whose rows hold class 0 as a placeholder
 */
public record TrainingWindow(LabeledData data, List<String> sampleIds, long[] offsets, int unlabelled, int invalid,
        int lateLabelled, boolean[] labelled) {

    /** Whether every row carries a real label. */
    public boolean fullyLabelled() {
        for (boolean l : labelled) {
            if (!l) {
                return false;
            }
        }
        return true;
    }

    /** The window cut by the probe rule: every row whose offset is a multiple of {@code probeEvery} is held out. */
    public record Split(LabeledData train, LabeledData probe) {
    }

    /**
     * Splits by offset, so the trainer and every later evaluation agree on which samples are probes without
     * storing them anywhere.
     *
     * @param probeEvery n: one sample in n is a probe
     * @throws IllegalStateException for a window read with unlabelled rows (nothing trains or evaluates on those)
     */
    public Split split(int probeEvery) {
        if (!fullyLabelled()) {
            throw new IllegalStateException("a window with unlabelled rows is not split for training");
        }
        int[] probe = IntStream.range(0, offsets.length).filter(i -> offsets[i] % probeEvery == 0).toArray();
        int[] train = IntStream.range(0, offsets.length).filter(i -> offsets[i] % probeEvery != 0).toArray();
        return new Split(data.subset(train), data.subset(probe));
    }
}
