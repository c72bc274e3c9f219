package io.perennial.drift.detector.window;

import io.perennial.drift.detector.Decision;
import io.perennial.drift.detector.DetectorResult;
import io.perennial.drift.detector.stats.Distributions;
import java.util.Arrays;

/**
 * The two-sample Kolmogorov–Smirnov test \( D = \sup_x |F_n(x) - G_m(x)| \), with the asymptotic p-value of
 * {@link Distributions#ksTwoSamplePValue}. Ties are handled by advancing both samples past each distinct value.
 */
public final class KolmogorovSmirnov {

    private KolmogorovSmirnov() {
    }

    /** The statistic of two ascending arrays (no NaN), using the first {@code n} and {@code m} values. */
    public static double statistic(float[] a, int aFrom, int n, float[] b, int bFrom, int m) {
        int i = 0;
        int j = 0;
        double d = 0;
        double invN = 1.0 / n;
        double invM = 1.0 / m;
        while (i < n && j < m) {
            float x = Math.min(a[aFrom + i], b[bFrom + j]);
            while (i < n && a[aFrom + i] <= x) {
                i++;
            }
            while (j < m && b[bFrom + j] <= x) {
                j++;
            }
            double diff = Math.abs(i * invN - j * invM);
            if (diff > d) {
                d = diff;
            }
        }
        return d;
    }

    /** A univariate test of two unsorted samples; non-finite values are dropped. */
    public static DetectorResult test(String name, double[] reference, double[] current, double alpha,
            int minSamples) {
        float[] a = finiteSorted(reference);
        float[] b = finiteSorted(current);
        if (a.length < minSamples || b.length < minSamples) {
            return DetectorResult.insufficient(name, alpha);
        }
        double d = statistic(a, 0, a.length, b, 0, b.length);
        double p = Distributions.ksTwoSamplePValue(d, a.length, b.length);
        return new DetectorResult(name, p <= alpha ? Decision.DRIFT : Decision.STABLE, d, p, alpha, 0);
    }

    static float[] finiteSorted(double[] values) {
        float[] out = new float[values.length];
        int k = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                out[k++] = (float) v;
            }
        }
        out = Arrays.copyOf(out, k);
        Arrays.sort(out);
        return out;
    }
}
