package io.perennial.learning.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;

/**
 * Batched inference of a network (optionally with adapter deltas) on a data set, without gradients.
 */
public final class Evaluator {

    /** Rows per inference batch. */
    public static final int BATCH = 1024;

    private Evaluator() {
    }

    /**
     * Predicts a data set.
     *
     * @param net the network
     * @param delta adapter deltas
     * @param data samples (labels unused)
     * @return predictions
     */
    public static Predictions predict(Network net, LayerDelta delta, LabeledData data) {
        float[] logits = logits(net, delta, data, BATCH);
        return Predictions.fromLogits(logits, net.spec().classes());
    }

    /**
     * Computes logits for a data set.
     *
     * @param net the network
     * @param delta adapter deltas
     * @param data samples
     * @param batch rows per batch
     * @return row-major {@code [n, C]}
     */
    public static float[] logits(Network net, LayerDelta delta, LabeledData data, int batch) {
        int c = net.spec().classes();
        int d = data.featureSize();
        float[] out = new float[data.size() * c];
        try (NDManager m = net.manager().newSubManager()) {
            for (int from = 0; from < data.size(); from += batch) {
                int to = Math.min(data.size(), from + batch);
                try (NDScope scope = new NDScope()) {
                    NDArray x = net.toInput(m, Arrays.copyOfRange(data.features(), from * d, to * d), to - from);
                    float[] l = net.logits(x, delta).toFloatArray();
                    System.arraycopy(l, 0, out, from * c, l.length);
                }
            }
        }
        return out;
    }

    /**
     * Evaluates on several probes (one per segment).
     *
     * @param net the network
     * @param delta adapter deltas
     * @param probes probes
     * @return predictions per probe
     */
    public static List<Predictions> predictAll(Network net, LayerDelta delta, List<LabeledData> probes) {
        List<Predictions> out = new ArrayList<>();
        for (LabeledData p : probes) {
            out.add(predict(net, delta, p));
        }
        return out;
    }
}
