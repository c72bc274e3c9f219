package io.perennial.learning.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.evaluation.Evaluator;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;
import io.perennial.learning.training.listener.EpochSummary;
import io.perennial.learning.training.listener.StepProgress;
import io.perennial.learning.training.listener.StopReason;
import io.perennial.learning.training.listener.TrainingCancelledException;
import io.perennial.learning.training.listener.TrainingListener;
import io.perennial.learning.training.listener.TrainingStart;
import io.perennial.learning.training.listener.TrainingSummary;

/**
 * The training loop shared by base training, adapter training and the baselines.
 *
 * <p>Minimises \( \mathcal{L} = \mathrm{CE}(z, y) + \lambda T^2\, \mathrm{CE}(p^T_{teacher}, \mathrm{softmax}(z/T))
 * + \mathcal{R}(\theta) \) with {@link Adam} over the given parameters only (everything else stays
 * frozen). A held-out split of the training window drives early stopping: after each epoch the held-out
 * accuracy (ties broken by loss) decides whether the weights are kept; training ends after
 * {@code patience} epochs without improvement and the best weights are restored.
 *
 * <p>Memory discipline (docs/learning.md, DJL discipline): the data set, its one-hot labels and the teacher's probabilities are
 * uploaded once per run; each epoch gathers a shuffled copy once; each step works on views inside an
 * {@link NDScope} that frees every temporary; the scalars {@code 1/T} and {@code λT²} are arrays that live
 * for the whole run, so a GC between forward and backward cannot free anything autograd still needs.
 */
public final class Trainer {

    private Trainer() {
    }

    /**
     * Trains.
     *
     * @param run run name for listeners
     * @param net the network (its frozen parameters are used as they are)
     * @param delta adapter deltas applied in the forward pass (for example the adapter being trained)
     * @param trainable the parameters to optimise (parameters of {@code net} or of {@code delta})
     * @param data the training window (a held-out split is taken from it)
     * @param teacherProbs teacher's tempered probabilities on {@code data} ({@code [n, C]}), or null
     * @param regularizer extra penalty, or null
     * @param cfg hyperparameters
     * @param listener progress callbacks
     * @return the summary
     * @throws IllegalArgumentException on empty data, class-count or shape mismatches
     * @throws IllegalStateException if the loss becomes NaN or infinite
     */
    public static TrainingSummary train(String run, Network net, LayerDelta delta, List<NDArray> trainable, LabeledData data,
            float @Nullable [] teacherProbs, @Nullable Regularizer regularizer, TrainingConfig cfg, TrainingListener listener) {
        int c = net.spec().classes();
        if (data.isEmpty()) {
            throw new IllegalArgumentException("empty segment: run '" + run + "' has no training samples");
        }
        if (data.classes() != c) {
            throw new IllegalArgumentException("shape mismatch: data has " + data.classes() + " classes, model family has " + c);
        }
        if (data.featureSize() != net.spec().inputSize()) {
            throw new IllegalArgumentException("shape mismatch: data samples have " + data.featureSize() + " features "
                    + Arrays.toString(data.sampleShape()) + ", model family expects " + net.spec().inputSize() + " " + net.spec().inputShape());
        }
        if (teacherProbs != null && teacherProbs.length != data.size() * c) {
            throw new IllegalArgumentException("shape mismatch: teacher probabilities have " + teacherProbs.length
                    + " values, expected " + data.size() + " x " + c);
        }
        if (cfg.distillationWeight() > 0 && teacherProbs == null) {
            throw new IllegalArgumentException("distillation weight " + cfg.distillationWeight() + " needs teacher probabilities");
        }
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("run '" + run + "' has nothing to train");
        }

        // Held-out split (indices, so teacher outputs stay aligned).
        int n = data.size();
        int held = cfg.validationFraction() > 0 && n >= 10 ? Math.max(1, (int) Math.round(n * cfg.validationFraction())) : 0;
        int[] perm = LabeledData.permutation(n, cfg.seed());
        int[] trainIdx = Arrays.copyOfRange(perm, held, n);
        LabeledData train = data.subset(trainIdx);
        LabeledData validation = held > 0 ? data.subset(Arrays.copyOfRange(perm, 0, held)) : null;
        float[] teacher = teacherProbs == null ? null : gatherRows(teacherProbs, c, trainIdx);
        int nTrain = train.size();

        long trainableCount = 0;
        for (NDArray p : trainable) {
            p.setRequiresGradient(true);
            trainableCount += p.getShape().size();
        }
        listener.onTrainingStart(new TrainingStart(run, trainableCount, nTrain, held, cfg.epochs(), cfg.batchSize()));

        long steps = 0;
        long samples = 0;
        int epoch = 0;
        int bestEpoch = 0;
        double bestAcc = Double.NEGATIVE_INFINITY;
        double bestLoss = Double.POSITIVE_INFINITY;
        double lastTrainLoss = Double.NaN;
        int sinceBest = 0;
        StopReason reason = StopReason.COMPLETED;
        List<float[]> best = null;
        double loopSeconds = 0;

        try (NDManager runM = net.manager().newSubManager(); Adam adam = new Adam(trainable, cfg.learningRate(), runM)) {
            NDArray x = net.toInput(runM, train.features(), nTrain);
            NDArray y = runM.create(oneHot(train.labels(), c), new Shape(nTrain, c));
            NDArray p = teacher == null ? null : runM.create(teacher, new Shape(nTrain, c));
            NDArray invT = runM.full(new Shape(), (float) (1.0 / cfg.distillationTemperature()), DataType.FLOAT32);
            NDArray kdFactor = runM.full(new Shape(), (float) (cfg.distillationWeight() * cfg.distillationTemperature()
                    * cfg.distillationTemperature()), DataType.FLOAT32);
            boolean distill = p != null && cfg.distillationWeight() > 0;
            outer:
            for (epoch = 1; epoch <= cfg.epochs(); epoch++) {
                double epochLoss = 0;
                int epochSteps = 0;
                long t0 = System.nanoTime();
                long reportT = t0;
                long reportSamples = 0;
                try (NDManager ep = runM.newSubManager()) {
                    int[] order = LabeledData.permutation(nTrain, cfg.seed() * 1_000_003L + epoch);
                    NDArray idx = ep.create(toLong(order));
                    NDArray xs = x.get(ep, new NDIndex("{}", idx));
                    NDArray ys = y.get(ep, new NDIndex("{}", idx));
                    NDArray ps = distill ? p.get(ep, new NDIndex("{}", idx)) : null;
                    for (int from = 0; from < nTrain; from += cfg.batchSize()) {
                        int to = Math.min(nTrain, from + cfg.batchSize());
                        float lossValue;
                        try (NDScope scope = new NDScope()) {
                            NDIndex rows = new NDIndex("{}:{}", from, to);
                            NDArray xb = xs.get(rows);
                            NDArray yb = ys.get(rows);
                            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                NDArray logits = net.logits(xb, delta);
                                NDArray loss = Losses.crossEntropy(logits, yb);
                                if (distill) {
                                    loss = loss.add(Losses.distillation(logits, ps.get(rows), invT).mul(kdFactor));
                                }
                                if (regularizer != null) {
                                    loss = loss.add(regularizer.penalty());
                                }
                                if (cfg.forceGcBeforeBackward()) {
                                    System.gc();
                                }
                                gc.backward(loss);
                                lossValue = loss.getFloat();
                            }
                            if (!Float.isFinite(lossValue)) {
                                throw new IllegalStateException("training '" + run + "' diverged: loss is " + lossValue
                                        + " at step " + (steps + 1) + " (check inputs and learning rate " + cfg.learningRate() + ")");
                            }
                            adam.step();
                        }
                        steps++;
                        samples += to - from;
                        reportSamples += to - from;
                        epochLoss += lossValue;
                        epochSteps++;
                        if (steps % cfg.progressEverySteps() == 0) {
                            long now = System.nanoTime();
                            double sps = reportSamples / Math.max(1e-9, (now - reportT) / 1e9);
                            reportT = now;
                            reportSamples = 0;
                            try {
                                listener.onStep(new StepProgress(run, steps, epoch, lossValue, sps, samples));
                            } catch (TrainingCancelledException e) {
                                reason = StopReason.CANCELLED;
                                loopSeconds += (System.nanoTime() - t0) / 1e9;
                                break outer;
                            }
                        }
                        if (cfg.maxSteps() > 0 && steps >= cfg.maxSteps()) {
                            reason = StopReason.MAX_STEPS;
                            break;
                        }
                    }
                }
                loopSeconds += (System.nanoTime() - t0) / 1e9;
                lastTrainLoss = epochLoss / Math.max(1, epochSteps);
                double vLoss = Double.NaN;
                double vAcc = Double.NaN;
                boolean improved = true;
                if (validation != null) {
                    double[] lv = validationLossAndAccuracy(net, delta, validation);
                    vLoss = lv[0];
                    vAcc = lv[1];
                    improved = vAcc > bestAcc || (vAcc == bestAcc && vLoss < bestLoss);
                }
                if (improved) {
                    bestEpoch = epoch;
                    bestAcc = vAcc;
                    bestLoss = vLoss;
                    sinceBest = 0;
                    if (validation != null) {
                        best = snapshot(trainable);
                    }
                } else {
                    sinceBest++;
                }
                try {
                    listener.onEpochEnd(new EpochSummary(run, epoch, lastTrainLoss, vLoss, vAcc, improved));
                } catch (TrainingCancelledException e) {
                    reason = StopReason.CANCELLED;
                    break;
                }
                if (reason == StopReason.MAX_STEPS) {
                    break;
                }
                if (validation != null && sinceBest >= cfg.patience()) {
                    reason = StopReason.EARLY_STOPPED;
                    break;
                }
            }
            epoch = Math.min(epoch, cfg.epochs());
            if (best != null && bestEpoch != epoch) {
                restore(trainable, best);
            }
        } finally {
            for (NDArray t : trainable) {
                t.setRequiresGradient(false);
            }
        }
        TrainingSummary summary = new TrainingSummary(run, steps, epoch, bestEpoch, lastTrainLoss,
                validation == null ? Double.NaN : bestLoss, validation == null ? Double.NaN : bestAcc, trainableCount,
                loopSeconds, samples / Math.max(1e-9, loopSeconds), reason);
        listener.onTrainingEnd(summary);
        return summary;
    }

    /**
     * Held-out cross-entropy and accuracy.
     *
     * @param net network
     * @param delta deltas
     * @param data held-out data
     * @return {loss, accuracy}
     */
    static double[] validationLossAndAccuracy(Network net, LayerDelta delta, LabeledData data) {
        int c = net.spec().classes();
        float[] logits = Evaluator.logits(net, delta, data, Evaluator.BATCH);
        double loss = 0;
        int ok = 0;
        for (int i = 0; i < data.size(); i++) {
            int off = i * c;
            double max = Double.NEGATIVE_INFINITY;
            int arg = 0;
            for (int k = 0; k < c; k++) {
                if (logits[off + k] > max) {
                    max = logits[off + k];
                    arg = k;
                }
            }
            double sum = 0;
            for (int k = 0; k < c; k++) {
                sum += Math.exp(logits[off + k] - max);
            }
            loss += -(logits[off + data.labels()[i]] - max - Math.log(sum));
            if (arg == data.labels()[i]) {
                ok++;
            }
        }
        return new double[] {loss / data.size(), (double) ok / data.size()};
    }

    static float[] oneHot(int[] labels, int c) {
        float[] out = new float[labels.length * c];
        for (int i = 0; i < labels.length; i++) {
            out[i * c + labels[i]] = 1f;
        }
        return out;
    }

    static float[] gatherRows(float[] rows, int width, int[] idx) {
        float[] out = new float[idx.length * width];
        for (int k = 0; k < idx.length; k++) {
            System.arraycopy(rows, idx[k] * width, out, k * width, width);
        }
        return out;
    }

    static long[] toLong(int[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static List<float[]> snapshot(List<NDArray> params) {
        List<float[]> out = new ArrayList<>();
        for (NDArray p : params) {
            out.add(p.toFloatArray());
        }
        return out;
    }

    private static void restore(List<NDArray> params, List<float[]> values) {
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            p.set(java.nio.FloatBuffer.wrap(values.get(i)));
        }
    }
}
