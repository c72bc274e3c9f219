package io.perennial.learning.evaluation;

import java.util.Arrays;

import io.perennial.formats.metrics.ClassificationMetrics;
import io.perennial.formats.metrics.ConfusionMatrix;
import io.perennial.formats.metrics.FlipRates;

/**
 * Predictions of a model on a probe: the arg-max class and the class probabilities of each row.
 *
 * @param classes predicted class per row
 * @param probabilities row-major {@code [n, C]} softmax probabilities
 * @param numClasses C
 */
public record Predictions(int[] classes, float[] probabilities, int numClasses) {

    /** Returns the number of rows. */
    public int size() {
        return classes.length;
    }

    /**
     * Returns the probabilities of one row.
     *
     * @param i row
     * @return C probabilities
     */
    public float[] probabilities(int i) {
        return Arrays.copyOfRange(probabilities, i * numClasses, (i + 1) * numClasses);
    }

    /**
     * Accuracy against labels.
     *
     * @param labels true labels
     * @return accuracy in [0, 1]
     */
    public double accuracy(int[] labels) {
        return ClassificationMetrics.accuracy(labels, classes);
    }

    /**
     * Expected calibration error with 15 bins.
     *
     * @param labels true labels
     * @return ECE
     */
    public double expectedCalibrationError(int[] labels) {
        float[][] p = new float[size()][];
        for (int i = 0; i < size(); i++) {
            p[i] = probabilities(i);
        }
        return ClassificationMetrics.expectedCalibrationError(p, labels, 15);
    }

    /**
     * Confusion matrix against labels.
     *
     * @param labels true labels
     * @return the matrix
     */
    public ConfusionMatrix confusion(int[] labels) {
        return ConfusionMatrix.of(numClasses, labels, classes);
    }

    /**
     * Flip rates of these (new) predictions against older ones on the same probe.
     *
     * @param labels true labels
     * @param serving the serving model's predictions
     * @return NFR and PFR
     */
    public FlipRates flipsAgainst(int[] labels, Predictions serving) {
        return FlipRates.compute(labels, serving.classes, classes);
    }

    /**
     * Computes arg-max and softmax from logits.
     *
     * @param logits row-major {@code [n, C]}
     * @param c C
     * @return predictions
     */
    public static Predictions fromLogits(float[] logits, int c) {
        int n = logits.length / c;
        int[] cls = new int[n];
        float[] p = new float[logits.length];
        for (int i = 0; i < n; i++) {
            int off = i * c;
            float max = Float.NEGATIVE_INFINITY;
            int arg = 0;
            for (int k = 0; k < c; k++) {
                if (logits[off + k] > max) {
                    max = logits[off + k];
                    arg = k;
                }
            }
            double sum = 0;
            for (int k = 0; k < c; k++) {
                double e = Math.exp(logits[off + k] - max);
                p[off + k] = (float) e;
                sum += e;
            }
            for (int k = 0; k < c; k++) {
                p[off + k] /= (float) sum;
            }
            cls[i] = arg;
        }
        return new Predictions(cls, p, c);
    }
}
