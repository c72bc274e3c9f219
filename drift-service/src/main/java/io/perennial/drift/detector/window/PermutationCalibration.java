package io.perennial.drift.detector.window;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Checks and corrects a window test's false-alarm rate by permutation on the reference window alone.
 *
 * <p>Each permutation shuffles the reference rows, treats the first \( n - w \) as a pseudo-reference and the last
 * \( w \) as a pseudo-current window (both from the no-drift regime by construction) and records the test's p-value.
 * The sorted p-values are the test's null distribution on this stream's data: a test whose asymptotic p-values are
 * anti-conservative here (discrete features, heavy tails, small windows) shows more small p-values than uniform.
 *
 * <p>{@link #calibratedLevel} turns a target false-alarm probability per evaluation into the p-value cut-off that
 * achieves it: the empirical quantile when the permutations resolve it (\( \alpha B \ge 1 \)); otherwise the target
 * divided by the inflation \( \hat\alpha(\alpha_0)/\alpha_0 \) measured at the smallest resolvable level
 * \( \alpha_0 = 5/B \) (never loosened above the target).
 */
public final class PermutationCalibration {

    private PermutationCalibration() {
    }

    /**
     * Null p-values of a test on {@code permutations} random splits of the reference, ascending.
     *
     * @param window size of the pseudo-current window (at most half the reference)
     */
    public static double[] nullPValues(float[] reference, int count, int dimension, int window,
            WindowTest.Factory factory, int permutations, long seed) {
        int w = Math.min(window, count / 2);
        int n = count - w;
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = new int[count];
        float[] pseudoReference = new float[n * dimension];
        float[] pseudoCurrent = new float[w * dimension];
        double[] p = new double[permutations];
        for (int b = 0; b < permutations; b++) {
            for (int i = 0; i < count; i++) {
                order[i] = i;
            }
            for (int i = count - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int i = 0; i < n; i++) {
                System.arraycopy(reference, order[i] * dimension, pseudoReference, i * dimension, dimension);
            }
            for (int i = 0; i < w; i++) {
                System.arraycopy(reference, order[n + i] * dimension, pseudoCurrent, i * dimension, dimension);
            }
            double pv = factory.create(pseudoReference, n, dimension).test(pseudoCurrent, w).pValue();
            p[b] = Double.isNaN(pv) ? 1 : pv;
        }
        Arrays.sort(p);
        return p;
    }

    /** The fraction of null p-values at or below {@code alpha}. */
    public static double empiricalSize(double[] sortedNull, double alpha) {
        int k = 0;
        while (k < sortedNull.length && sortedNull[k] <= alpha) {
            k++;
        }
        return (double) k / sortedNull.length;
    }

    /** The p-value cut-off that gives false-alarm probability {@code target} per evaluation on this stream. */
    public static double calibratedLevel(double[] sortedNull, double target) {
        int b = sortedNull.length;
        if (target * b >= 1) {
            int k = (int) Math.floor(target * b);
            // the k-th smallest null p-value is the largest cut-off with at most k of b null rejections
            double q = sortedNull[k - 1];
            return Math.min(target, Math.max(q, Math.ulp(0.0)));
        }
        double alpha0 = Math.min(1, 5.0 / b);
        double inflation = empiricalSize(sortedNull, alpha0) / alpha0;
        return inflation <= 1 ? target : target / inflation;
    }
}
