package io.perennial.learning.training;

import io.perennial.learning.data.LabeledData;
import io.perennial.learning.evaluation.Evaluator;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;

/**
 * Teacher targets for distillation: the serving model's tempered probabilities
 * \( p^T = \mathrm{softmax}(z/T) \) on the <em>new</em> segment's data only (no old data is kept or
 * replayed). Used by adapter training to reduce negative flips and by the LwF baseline.
 */
public final class Distillation {

    private Distillation() {
    }

    /**
     * Computes the teacher's tempered probabilities.
     *
     * @param teacher serving network
     * @param teacherDelta serving adapters (or {@link LayerDelta#NONE})
     * @param data the new segment's training window
     * @param temperature T
     * @return row-major {@code [n, C]}
     */
    public static float[] teacherProbabilities(Network teacher, LayerDelta teacherDelta, LabeledData data, double temperature) {
        return temperedSoftmax(Evaluator.logits(teacher, teacherDelta, data, Evaluator.BATCH), teacher.spec().classes(), temperature);
    }

    /**
     * Row-wise {@code softmax(z / T)}.
     *
     * @param logits row-major {@code [n, C]}
     * @param c C
     * @param temperature T
     * @return probabilities
     */
    public static float[] temperedSoftmax(float[] logits, int c, double temperature) {
        float[] out = new float[logits.length];
        for (int off = 0; off < logits.length; off += c) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) {
                max = Math.max(max, logits[off + k] / temperature);
            }
            double sum = 0;
            for (int k = 0; k < c; k++) {
                double e = Math.exp(logits[off + k] / temperature - max);
                out[off + k] = (float) e;
                sum += e;
            }
            for (int k = 0; k < c; k++) {
                out[off + k] /= (float) sum;
            }
        }
        return out;
    }
}
