package io.perennial.drift.detector.window;

import io.perennial.drift.detector.Decision;
import io.perennial.drift.detector.DetectorResult;
import io.perennial.drift.detector.stats.Distributions;
import java.util.Arrays;

/**
 * Population Stability Index per feature over {@code bins} reference-quantile bins:
 * \( \mathrm{PSI} = \sum_b (c_b - r_b)\ln(c_b/r_b) \), with bin proportions smoothed by half a count.
 *
 * <p>The reported statistic is the largest PSI over features. Because PSI is Jeffreys' divergence, which to second
 * order is the chi-square homogeneity statistic divided by \( nm/(n+m) \), \( \mathrm{PSI}\cdot nm/(n+m) \) is
 * asymptotically \( \chi^2_{B-1} \) under no drift; that gives a p-value per feature, combined by Bonferroni. A drift
 * is declared when the p-value is at most {@code alpha} <em>and</em> the PSI is at least {@code minPsi} (the usual
 * 0.1 "moderate shift" floor keeps very large windows from alarming on negligible shifts; 0 disables it).
 */
public final class PopulationStabilityIndex implements WindowTest {

    private final int dimension;
    private final int bins;
    private final double alpha;
    private final double minPsi;
    private final int minSamples;
    private final int referenceCount;
    private final float[] edges;
    private final double[] referenceShare;
    private final double[] pValues;
    private final double[] scratch;
    private final int[] counts;
    private float[] finite = new float[0];

    public PopulationStabilityIndex(float[] reference, int count, int dimension, int bins, double alpha,
            double minPsi, int minSamples) {
        this.dimension = dimension;
        this.bins = bins;
        this.alpha = alpha;
        this.minPsi = minPsi;
        this.minSamples = minSamples;
        float[] kept = new float[count * dimension];
        this.referenceCount = Columns.finiteRows(reference, count, dimension, kept);
        float[] columns = new float[referenceCount * dimension];
        Columns.transpose(kept, referenceCount, dimension, columns);
        this.edges = new float[dimension * (bins - 1)];
        this.referenceShare = new double[dimension * bins];
        this.counts = new int[bins];
        int n = referenceCount;
        for (int j = 0; j < dimension && n > 0; j++) {
            Arrays.sort(columns, j * n, (j + 1) * n);
            for (int b = 1; b < bins; b++) {
                edges[j * (bins - 1) + b - 1] = columns[j * n + Math.min(n - 1, (int) ((long) b * n / bins))];
            }
            Arrays.fill(counts, 0);
            for (int i = 0; i < n; i++) {
                counts[bin(j, columns[j * n + i])]++;
            }
            for (int b = 0; b < bins; b++) {
                referenceShare[j * bins + b] = (counts[b] + 0.5) / (n + 0.5 * bins);
            }
        }
        this.pValues = new double[dimension];
        this.scratch = new double[dimension];
    }

    /** A factory for calibration. */
    public static WindowTest.Factory factory(int bins, double alpha, double minPsi, int minSamples) {
        return (ref, n, d) -> new PopulationStabilityIndex(ref, n, d, bins, alpha, minPsi, minSamples);
    }

    private int bin(int feature, float v) {
        int lo = 0;
        int hi = bins - 1;
        int base = feature * (bins - 1);
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (v < edges[base + mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    @Override
    public String name() {
        return "psi";
    }

    @Override
    public DetectorResult test(float[] rows, int count) {
        if (finite.length < count * dimension) {
            finite = new float[count * dimension];
        }
        int m = Columns.finiteRows(rows, count, dimension, finite);
        int n = referenceCount;
        if (m < minSamples || n < minSamples) {
            return DetectorResult.insufficient(name(), alpha);
        }
        double scale = (double) n * m / ((double) n + m);
        double maxPsi = 0;
        int argMax = 0;
        for (int j = 0; j < dimension; j++) {
            Arrays.fill(counts, 0);
            for (int i = 0; i < m; i++) {
                counts[bin(j, finite[i * dimension + j])]++;
            }
            double psi = 0;
            int used = 0;
            for (int b = 0; b < bins; b++) {
                double r = referenceShare[j * bins + b];
                double c = (counts[b] + 0.5) / (m + 0.5 * bins);
                psi += (c - r) * Math.log(c / r);
                used++;
            }
            pValues[j] = Distributions.chiSquareSurvival(psi * scale, used - 1);
            if (psi > maxPsi) {
                maxPsi = psi;
                argMax = j;
            }
        }
        double p = MultipleTesting.BONFERRONI.combine(pValues, dimension, scratch);
        boolean drift = p <= alpha && maxPsi >= minPsi;
        return new DetectorResult(name(), drift ? Decision.DRIFT : Decision.STABLE, maxPsi, p, alpha, argMax);
    }
}
