package io.perennial.learning.training;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Adam (Kingma &amp; Ba 2015, <a href="https://arxiv.org/abs/1412.6980">arXiv:1412.6980</a>) over a fixed list
 * of parameters, using the engine's fused update.
 *
 * <p>At step {@code t} with gradient {@code g}: \( m \leftarrow \beta_1 m + (1-\beta_1) g \),
 * \( v \leftarrow \beta_2 v + (1-\beta_2) g^2 \), \( \theta \leftarrow \theta - \eta_t\, m / (\sqrt{v} + \epsilon) \)
 * with \( \eta_t = \eta \sqrt{1-\beta_2^t} / (1-\beta_1^t) \). The moment arrays are allocated once; each
 * step reads the gradients, updates in place and zeroes the gradients.
 */
public final class Adam implements AutoCloseable {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final List<NDArray> params;
    private final List<NDArray> means = new ArrayList<>();
    private final List<NDArray> variances = new ArrayList<>();
    private final NDManager stateManager;
    private final float learningRate;
    private int t;

    /**
     * Creates the optimiser.
     *
     * @param params parameters with gradients attached
     * @param learningRate η
     * @param parentManager manager under which the moment arrays are allocated
     */
    public Adam(List<NDArray> params, double learningRate, NDManager parentManager) {
        this.params = List.copyOf(params);
        this.learningRate = (float) learningRate;
        this.stateManager = parentManager.newSubManager();
        for (NDArray p : params) {
            means.add(stateManager.zeros(p.getShape(), p.getDataType()));
            variances.add(stateManager.zeros(p.getShape(), p.getDataType()));
        }
    }

    /** Applies one update from the accumulated gradients and zeroes them. */
    public void step() {
        t++;
        float corrected = (float) (learningRate * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t)));
        for (int i = 0; i < params.size(); i++) {
            NDArray w = params.get(i);
            try (NDArray g = w.getGradient()) {
                w.getNDArrayInternal().adamUpdate(new NDList(w, g, means.get(i), variances.get(i)), new NDList(w),
                        learningRate, corrected, 0f, 1f, -1f, BETA1, BETA2, EPSILON, true, false);
            }
        }
    }

    /** Returns the number of steps taken. */
    public int steps() {
        return t;
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
