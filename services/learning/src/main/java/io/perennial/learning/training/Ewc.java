package io.perennial.learning.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;

/**
 * Elastic weight consolidation (Kirkpatrick et al. 2017, <a href="https://arxiv.org/abs/1612.00796">arXiv:1612.00796</a>),
 * online variant (Schwarz et al. 2018): a replay-free baseline that fine-tunes the whole model while
 * penalising changes to weights that mattered for earlier segments,
 * \( \mathcal{R}(\theta) = \frac{\lambda}{2} \sum_k F_k (\theta_k - \theta^*_k)^2 \).
 *
 * <p>After each segment, {@link #consolidate} adds that segment's diagonal empirical Fisher
 * \( F \mathrel{+}= \mathbb{E}[(\nabla_\theta \log p(y|x))^2] \) (estimated from mini-batch gradients scaled
 * by the batch size) and moves the anchor {@code θ*} to the current weights. It needs the current
 * segment's data only while that segment is being learned.
 */
public final class Ewc implements Regularizer, AutoCloseable {

    private final Network net;
    private final NDManager manager;
    private final List<NDArray> params;
    private final List<NDArray> fisher = new ArrayList<>();
    private final List<NDArray> anchor = new ArrayList<>();
    private final NDArray halfLambda;
    private boolean consolidated;

    /**
     * Creates the regulariser for a network.
     *
     * @param net the network being fine-tuned
     * @param lambda λ
     */
    public Ewc(Network net, double lambda) {
        this.net = net;
        this.manager = net.manager().newSubManager();
        this.params = new ArrayList<>(net.parameters().values());
        for (NDArray p : params) {
            fisher.add(manager.zeros(p.getShape(), p.getDataType()));
            anchor.add(manager.zeros(p.getShape(), p.getDataType()));
        }
        this.halfLambda = manager.full(new Shape(), (float) (lambda / 2), DataType.FLOAT32);
    }

    /**
     * Adds the Fisher information of a segment at the current weights and re-anchors.
     *
     * @param data the segment just learned
     * @param maxSamples at most this many samples are used
     * @param batch mini-batch size of the estimate
     */
    public void consolidate(LabeledData data, int maxSamples, int batch) {
        int n = Math.min(maxSamples, data.size());
        if (n == 0) {
            throw new IllegalArgumentException("empty segment: cannot estimate the Fisher information of no samples");
        }
        int c = net.spec().classes();
        int d = data.featureSize();
        int batches = 0;
        List<float[]> acc = new ArrayList<>();
        for (NDArray p : params) {
            acc.add(new float[(int) p.getShape().size()]);
        }
        for (NDArray p : params) {
            p.setRequiresGradient(true);
        }
        try (NDManager m = manager.newSubManager()) {
            for (int from = 0; from + batch <= n || (from == 0 && n < batch); from += batch) {
                int to = Math.min(n, from + batch);
                try (NDScope scope = new NDScope()) {
                    NDArray x = net.toInput(m, Arrays.copyOfRange(data.features(), from * d, to * d), to - from);
                    NDArray y = m.create(Trainer.oneHot(Arrays.copyOfRange(data.labels(), from, to), c), new Shape(to - from, c));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(Losses.crossEntropy(net.logits(x, LayerDelta.NONE), y));
                    }
                    float scale = to - from;
                    for (int i = 0; i < params.size(); i++) {
                        NDArray p = params.get(i);
                        float[] g = p.getGradient().toFloatArray();
                        float[] a = acc.get(i);
                        for (int k = 0; k < g.length; k++) {
                            a[k] += g[k] * g[k] * scale;
                        }
                        JniUtils.zeroGrad((PtNDArray) p);
                    }
                }
                batches++;
            }
        } finally {
            for (NDArray p : params) {
                p.setRequiresGradient(false);
            }
        }
        for (int i = 0; i < params.size(); i++) {
            float[] a = acc.get(i);
            for (int k = 0; k < a.length; k++) {
                a[k] /= batches;
            }
            try (NDArray add = manager.create(a, params.get(i).getShape())) {
                fisher.get(i).addi(add);
            }
            anchor.get(i).set(java.nio.FloatBuffer.wrap(params.get(i).toFloatArray()));
        }
        consolidated = true;
    }

    @Override
    public NDArray penalty() {
        NDArray sum = null;
        for (int i = 0; i < params.size(); i++) {
            NDArray diff = params.get(i).sub(anchor.get(i));
            NDArray term = diff.mul(diff).mul(fisher.get(i)).sum();
            sum = sum == null ? term : sum.add(term);
        }
        return sum.mul(halfLambda);
    }

    /** Returns whether at least one segment has been consolidated. */
    public boolean isConsolidated() {
        return consolidated;
    }

    @Override
    public void close() {
        manager.close();
    }
}
