package io.perennial.drift.detector.window;

import io.perennial.drift.detector.Decision;
import io.perennial.drift.detector.DetectorResult;
import io.perennial.drift.detector.stats.Distributions;
import java.util.Arrays;

/**
 * Per-feature two-sample Kolmogorov–Smirnov tests combined by {@link MultipleTesting}.
 *
 * <p>The reference is sorted per feature once; each evaluation transposes the current window, sorts each column with a
 * branch-free radix sort and merges it with the reference in \( O(m + n) \) per feature. The statistic reported is the largest \( D \),
 * the p-value the corrected global one, and {@code feature} the feature with the smallest raw p-value. Constant
 * features (identical in both windows) have \( D = 0 \) and p-value 1.
 */
public final class FeatureKsTest implements WindowTest {

    private final int dimension;
    private final int referenceCount;
    private final float[] sortedReference;
    private final double alpha;
    private final MultipleTesting correction;
    private final int minSamples;
    private final double[] pValues;
    private final double[] statistics;
    private final double[] scratch;
    private final FloatRadixSort radix = new FloatRadixSort();
    private float[] finite = new float[0];
    private float[] columns = new float[0];

    public FeatureKsTest(float[] reference, int count, int dimension, double alpha, MultipleTesting correction,
            int minSamples) {
        this.dimension = dimension;
        this.alpha = alpha;
        this.correction = correction;
        this.minSamples = minSamples;
        float[] kept = new float[count * dimension];
        this.referenceCount = Columns.finiteRows(reference, count, dimension, kept);
        this.sortedReference = new float[referenceCount * dimension];
        Columns.transpose(kept, referenceCount, dimension, sortedReference);
        for (int j = 0; j < dimension; j++) {
            Arrays.sort(sortedReference, j * referenceCount, (j + 1) * referenceCount);
        }
        this.pValues = new double[dimension];
        this.statistics = new double[dimension];
        this.scratch = new double[dimension];
    }

    /** A factory for calibration. */
    public static WindowTest.Factory factory(double alpha, MultipleTesting correction, int minSamples) {
        return (ref, n, d) -> new FeatureKsTest(ref, n, d, alpha, correction, minSamples);
    }

    @Override
    public String name() {
        return correction == MultipleTesting.BONFERRONI ? "ks-bonferroni" : "ks-bh";
    }

    @Override
    public DetectorResult test(float[] rows, int count) {
        if (finite.length < count * dimension) {
            finite = new float[count * dimension];
            columns = new float[count * dimension];
        }
        boolean allFinite = true;
        for (int i = 0; i < count * dimension && allFinite; i++) {
            allFinite = Float.isFinite(rows[i]);
        }
        int m = allFinite ? count : Columns.finiteRows(rows, count, dimension, finite);
        int n = referenceCount;
        if (m < minSamples || n < minSamples) {
            return DetectorResult.insufficient(name(), alpha);
        }
        Columns.transpose(allFinite ? rows : finite, m, dimension, columns);
        double maxD = 0;
        int argMinP = 0;
        for (int j = 0; j < dimension; j++) {
            radix.sort(columns, j * m, m);
            double d = KolmogorovSmirnov.statistic(sortedReference, j * n, n, columns, j * m, m);
            statistics[j] = d;
            pValues[j] = Distributions.ksTwoSamplePValue(d, n, m);
            if (d > maxD) {
                maxD = d;
                argMinP = j;
            }
        }
        double p = correction.combine(pValues, dimension, scratch);
        return new DetectorResult(name(), p <= alpha ? Decision.DRIFT : Decision.STABLE, maxD, p, alpha, argMinP);
    }

    /** The raw per-feature p-values of the last evaluation. */
    public double[] lastPValues() {
        return pValues.clone();
    }

    /** The per-feature statistics of the last evaluation. */
    public double[] lastStatistics() {
        return statistics.clone();
    }
}
