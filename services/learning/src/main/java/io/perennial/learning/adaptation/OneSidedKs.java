package io.perennial.learning.adaptation;

import java.util.Arrays;

/**
 * One-sided two-sample Kolmogorov–Smirnov test with a weighted reference sample: does the window's sample lie
 * stochastically <em>above</em> the reference (larger distances than the regime's own unseen rows)?
 *
 * <p>With \( F_w \) the window's empirical CDF (n rows) and \( G \) the reference's weighted empirical CDF
 * (weights \( w_j \), effective size \( m = (\sum w)^2/\sum w^2 \)),
 * \( D^+ = \sup_t \big(G(t) - F_w(t)\big) \) and Smirnov's asymptotic law gives
 * \( p = \exp\!\big(-2\,D^{+2}\,nm/(n+m)\big) \). Commons Math's KS test is two-sided only; the one-sided form is the
 * relevant one here (a window closer to a regime than its own reference is no evidence against it).
 */
public final class OneSidedKs {

    private OneSidedKs() {
    }

    /**
     * Computes the one-sided p-value.
     *
     * @param window window values (NaN entries are ignored; +∞ allowed)
     * @param reference reference values
     * @param weights reference weights (≥ 0), same length as {@code reference}
     * @return p in [0, 1], or NaN when either sample is empty
     */
    public static double pValue(double[] window, double[] reference, double[] weights) {
        if (reference.length != weights.length) {
            throw new IllegalArgumentException(reference.length + " reference values, " + weights.length + " weights");
        }
        double[] x = Arrays.stream(window).filter(v -> !Double.isNaN(v)).sorted().toArray();
        int m = 0;
        for (int j = 0; j < reference.length; j++) {
            if (!Double.isNaN(reference[j]) && weights[j] > 0) {
                m++;
            }
        }
        double[][] ref = new double[m][];
        int at = 0;
        double sw = 0;
        double sw2 = 0;
        for (int j = 0; j < reference.length; j++) {
            if (!Double.isNaN(reference[j]) && weights[j] > 0) {
                ref[at++] = new double[] {reference[j], weights[j]};
                sw += weights[j];
                sw2 += weights[j] * weights[j];
            }
        }
        if (x.length == 0 || m == 0) {
            return Double.NaN;
        }
        Arrays.sort(ref, (a, b) -> Double.compare(a[0], b[0]));
        int n = x.length;
        double dPlus = 0;
        int i = 0;
        int j = 0;
        double g = 0;
        while (i < n || j < m) {
            double t = j < m && (i >= n || ref[j][0] <= x[i]) ? ref[j][0] : x[i];
            while (j < m && ref[j][0] <= t) {
                g += ref[j][1] / sw;
                j++;
            }
            while (i < n && x[i] <= t) {
                i++;
            }
            dPlus = Math.max(dPlus, g - (double) i / n);
            if (Double.isInfinite(t)) {
                break;
            }
        }
        double mEff = sw * sw / sw2;
        double ne = n * mEff / (n + mEff);
        return Math.min(1, Math.exp(-2 * dPlus * dPlus * ne));
    }
}
