package io.perennial.learning.adaptation;

import java.util.Arrays;

import org.apache.commons.math3.stat.inference.GTest;
import org.jspecify.annotations.Nullable;

/**
 * Class priors of a window and the prior-shift test.
 *
 * <p><b>Estimation.</b> When at least {@value #LABELLED_SHARE_PERCENT} % of the window is labelled, the priors are the
 * labelled rows' class shares. Otherwise the EM of Saerens, Latinne &amp; Decaestecker ("Adjusting the outputs of a
 * classifier to new a priori probabilities", Neural Computation 2002) runs on the regime model's posteriors
 * \( p_t(y|x_i) \), which carry the training priors \( \pi_t \):
 * \[ p^{(s)}(y|x_i) = \frac{\pi^{(s)}_y/\pi_{t,y}\;p_t(y|x_i)}{\sum_{y'}\pi^{(s)}_{y'}/\pi_{t,y'}\;p_t(y'|x_i)}, \qquad
 *    \pi^{(s+1)}_y = \frac1n\sum_i p^{(s)}(y|x_i), \]
 * from \( \pi^{(0)} = \pi_t \) until the largest change is below 1e-6 (at most 1,000 rounds).
 *
 * <p><b>Test.</b> The window's class counts (labels; for an EM estimate the pseudo-counts \( n\hat\pi \), rounded) are
 * compared with the training window's counts by the G-test of a 2×C contingency table (both samples are finite; Commons
 * Math {@link GTest#gTestDataSetsComparison}), over the classes present in either. For EM estimates the pseudo-counts
 * ignore the estimation variance, so that p-value is optimistic; the decision also requires a minimum total-variation
 * effect \( \mathrm{TV} = \frac12\sum_y|\hat\pi_y - \pi_{t,y}| \).
 */
public final class ClassPriors {

    /** Share of labelled rows (percent) from which labels, not EM, estimate the priors. */
    public static final int LABELLED_SHARE_PERCENT = 80;

    /** A window needs at least this many rows for a prior estimate. */
    public static final int MIN_ROWS = 50;

    private static final int MAX_ROUNDS = 1000;
    private static final double TOLERANCE = 1e-6;

    private ClassPriors() {
    }

    /**
     * Whether labels suffice for the estimate.
     *
     * @param labelledRows labelled rows
     * @param rows all rows
     * @return true from {@value #LABELLED_SHARE_PERCENT} %
     */
    public static boolean labelsSuffice(int labelledRows, int rows) {
        return rows > 0 && labelledRows * 100L >= (long) LABELLED_SHARE_PERCENT * rows;
    }

    /**
     * Class shares of the labelled rows.
     *
     * @param labels labels
     * @param labelled which rows are labelled (null: all)
     * @param classes C
     * @return counts, one per class
     */
    public static long[] labelCounts(int[] labels, boolean @Nullable [] labelled, int classes) {
        long[] counts = new long[classes];
        for (int i = 0; i < labels.length; i++) {
            if (labelled == null || labelled[i]) {
                counts[labels[i]]++;
            }
        }
        return counts;
    }

    /**
     * Normalises counts.
     *
     * @param counts counts
     * @return shares (uniform when all counts are 0)
     */
    public static double[] normalise(long[] counts) {
        double total = Arrays.stream(counts).sum();
        double[] p = new double[counts.length];
        for (int c = 0; c < p.length; c++) {
            p[c] = total > 0 ? counts[c] / total : 1.0 / p.length;
        }
        return p;
    }

    /**
     * Normalises integer counts.
     *
     * @param counts counts
     * @return shares (uniform when all counts are 0)
     */
    public static double[] normalise(int[] counts) {
        return normalise(Arrays.stream(counts).asLongStream().toArray());
    }

    /**
     * Saerens–Latinne–Decaestecker EM.
     *
     * @param probabilities model posteriors, row-major {@code [n, C]}, trained under {@code trainingPriors}
     * @param classes C
     * @param trainingPriors \( \pi_t \) (entries must be positive where the posteriors are)
     * @return the new priors
     */
    public static double[] saerensEm(float[] probabilities, int classes, double[] trainingPriors) {
        int n = probabilities.length / classes;
        double[] pi = trainingPriors.clone();
        double[] next = new double[classes];
        double[] row = new double[classes];
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Arrays.fill(next, 0);
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    double ratio = trainingPriors[c] > 0 ? pi[c] / trainingPriors[c] : 0;
                    row[c] = ratio * probabilities[i * classes + c];
                    sum += row[c];
                }
                for (int c = 0; c < classes; c++) {
                    next[c] += sum > 0 ? row[c] / sum : trainingPriors[c];
                }
            }
            double change = 0;
            for (int c = 0; c < classes; c++) {
                next[c] /= n;
                change = Math.max(change, Math.abs(next[c] - pi[c]));
            }
            System.arraycopy(next, 0, pi, 0, classes);
            if (change < TOLERANCE) {
                break;
            }
        }
        return pi;
    }

    /**
     * G-test of the window's class counts against the training counts (2×C contingency table).
     *
     * @param window window counts (or pseudo-counts)
     * @param training training counts
     * @return p-value, or NaN when fewer than 2 classes occur in either sample or a sample is empty
     */
    public static double shiftPValue(long[] window, long[] training) {
        int k = 0;
        for (int c = 0; c < window.length; c++) {
            if (window[c] + training[c] > 0) {
                k++;
            }
        }
        if (k < 2 || Arrays.stream(window).sum() == 0 || Arrays.stream(training).sum() == 0) {
            return Double.NaN;
        }
        long[] a = new long[k];
        long[] b = new long[k];
        int at = 0;
        for (int c = 0; c < window.length; c++) {
            if (window[c] + training[c] > 0) {
                a[at] = window[c];
                b[at++] = training[c];
            }
        }
        return new GTest().gTestDataSetsComparison(a, b);
    }

    /**
     * Pseudo-counts \( \mathrm{round}(n\pi_y) \).
     *
     * @param priors priors
     * @param n rows
     * @return counts
     */
    public static long[] pseudoCounts(double[] priors, int n) {
        long[] out = new long[priors.length];
        for (int c = 0; c < priors.length; c++) {
            out[c] = Math.round(priors[c] * n);
        }
        return out;
    }

    /**
     * Total-variation distance \( \frac12\sum|a_y - b_y| \).
     *
     * @param a distribution
     * @param b distribution
     * @return distance in [0, 1]
     */
    public static double totalVariation(double[] a, double[] b) {
        double s = 0;
        for (int c = 0; c < a.length; c++) {
            s += Math.abs(a[c] - b[c]);
        }
        return s / 2;
    }
}
