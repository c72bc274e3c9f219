package io.perennial.drift.detector.window;

import io.perennial.drift.detector.Decision;
import io.perennial.drift.detector.DetectorResult;
import io.perennial.drift.detector.stats.Distributions;
import java.util.SplittableRandom;

/**
 * A multivariate kernel two-sample test on random Fourier features (Rahimi and Recht 2007).
 *
 * <p>The Gaussian kernel \( k(x,y) = \exp(-\lVert x-y\rVert^2/2\sigma^2) \) is approximated by
 * \( \varphi(x) = \sqrt{2/D}\,[\cos(\omega_k^\top x + b_k)]_{k=1..D} \) with \( \omega_k \sim N(0, \sigma^{-2} I) \),
 * \( b_k \sim U(0, 2\pi) \), and \( \sigma \) the median pairwise distance in the reference (median heuristic). The
 * reported statistic is the linear-time MMD estimate \( \widehat{\mathrm{MMD}}^2 = \lVert \bar\varphi_r -
 * \bar\varphi_c \rVert^2 \). Its null distribution comes from the Hotelling form
 * \( T^2 = \frac{nm}{n+m}(\bar\varphi_r - \bar\varphi_c)^\top S^{-1} (\bar\varphi_r - \bar\varphi_c) \), with
 * \( S \) the pooled covariance of the features (plus a small ridge). When both windows come from one distribution,
 * \( \frac{n+m-D-1}{D(n+m-2)} T^2 \) follows \( F(D, n+m-D-1) \) for Gaussian features and \( T^2 \) tends to
 * \( \chi^2_D \) (the random-feature analogue of Chwialkowski et al. 2015, "Fast two-sample testing with analytic
 * representations of probability measures"). The p-value uses the F law: the chi-square limit is anti-conservative
 * at the small levels drift detection runs at.
 *
 * <p>Windows smaller than \( \max(\text{minSamples}, 5D) \) give "insufficient data": with fewer samples than a few
 * times \( D \) the chi-square limit is anti-conservative (a 50-sample window against \( D = 32 \) produced
 * \( p \approx 10^{-6} \) without any shift).
 *
 * <p>Cost per evaluation: \( O(m\,d\,D + m D^2 + D^3) \); the reference's features, mean and scatter are
 * precomputed. With \( D = 32 \), 784 features and \( m = 1000 \) that is about 25 million multiply-adds.
 */
public final class RffMmdTest implements WindowTest {

    private final int dimension;
    private final int features;
    private final double alpha;
    private final int minSamples;
    private final double ridge;
    private final float[] omega;
    private final double[] phase;
    private final int referenceCount;
    private final double[] referenceMean;
    private final double[] referenceScatter;
    private final double bandwidth;
    private final double[] phi;
    private final float[] projection;
    private final double[] mean;
    private final double[] scatter;
    private final double[] pooled;
    private final double[] delta;
    private final double[] solved;

    public RffMmdTest(float[] reference, int count, int dimension, int features, double alpha, int minSamples,
            long seed) {
        this.dimension = dimension;
        this.features = features;
        this.alpha = alpha;
        this.minSamples = minSamples;
        this.ridge = 1e-6;
        float[] kept = new float[count * dimension];
        this.referenceCount = Columns.finiteRows(reference, count, dimension, kept);
        SplittableRandom random = new SplittableRandom(seed);
        this.bandwidth = medianDistance(kept, referenceCount, dimension, random);
        this.omega = new float[features * dimension];
        this.phase = new double[features];
        for (int k = 0; k < features; k++) {
            for (int j = 0; j < dimension; j++) {
                omega[j * features + k] = (float) (gaussian(random) / bandwidth);
            }
            phase[k] = random.nextDouble() * 2 * Math.PI;
        }
        this.phi = new double[features];
        this.projection = new float[features];
        this.mean = new double[features];
        this.scatter = new double[features * features];
        this.pooled = new double[features * features];
        this.delta = new double[features];
        this.solved = new double[features];
        this.referenceMean = new double[features];
        this.referenceScatter = new double[features * features];
        accumulate(kept, referenceCount, referenceMean, referenceScatter);
    }

    /** A factory for calibration. */
    public static WindowTest.Factory factory(int features, double alpha, int minSamples, long seed) {
        return (ref, n, d) -> new RffMmdTest(ref, n, d, features, alpha, minSamples, seed);
    }

    @Override
    public String name() {
        return "mmd";
    }

    /** The kernel bandwidth chosen by the median heuristic. */
    public double bandwidth() {
        return bandwidth;
    }

    @Override
    public DetectorResult test(float[] rows, int count) {
        java.util.Arrays.fill(mean, 0);
        java.util.Arrays.fill(scatter, 0);
        int m = accumulateFinite(rows, count);
        int n = referenceCount;
        // the chi-square limit of the Hotelling form needs windows well above the number of random features
        int needed = Math.max(minSamples, 5 * features);
        if (m < needed || n < needed) {
            return DetectorResult.insufficient(name(), alpha);
        }
        int dd = features;
        double mmd = 0;
        for (int k = 0; k < dd; k++) {
            delta[k] = referenceMean[k] - mean[k];
            mmd += delta[k] * delta[k];
        }
        // pooled covariance: scatter matrices are sums of (phi - mean)(phi - mean)^T
        double trace = 0;
        for (int a = 0; a < dd * dd; a++) {
            pooled[a] = (referenceScatter[a] + scatter[a]) / (n + m - 2.0);
        }
        for (int k = 0; k < dd; k++) {
            trace += pooled[k * dd + k];
        }
        double lift = ridge * Math.max(trace / dd, 1e-12);
        for (int k = 0; k < dd; k++) {
            pooled[k * dd + k] += lift;
        }
        if (!choleskySolve(pooled, delta, solved, dd)) {
            return DetectorResult.insufficient(name(), alpha);
        }
        double t2 = 0;
        for (int k = 0; k < dd; k++) {
            t2 += delta[k] * solved[k];
        }
        t2 *= (double) n * m / ((double) n + m);
        // Hotelling's finite-sample law rather than its chi-square limit: the limit is anti-conservative at the small
        // levels drift detection uses (on 784-pixel images with n = 400, m = 300 it alarmed 6x too often at 5e-4).
        double dof = n + m - dd - 1.0;
        double p = dof > 0 ? Distributions.fSurvival(t2 * dof / (dd * (n + m - 2.0)), dd, dof)
                : Distributions.chiSquareSurvival(t2, dd);
        return new DetectorResult(name(), p <= alpha ? Decision.DRIFT : Decision.STABLE, mmd, p, alpha, -1);
    }

    private int accumulateFinite(float[] rows, int count) {
        int m = 0;
        for (int i = 0; i < count; i++) {
            if (!Columns.finiteRow(rows, i, dimension)) {
                continue;
            }
            project(rows, i * dimension);
            m++;
            update(m, mean, scatter);
        }
        return m;
    }

    private void accumulate(float[] rows, int count, double[] outMean, double[] outScatter) {
        for (int i = 0; i < count; i++) {
            project(rows, i * dimension);
            update(i + 1, outMean, outScatter);
        }
    }

    private final double[] diffBefore = new double[256];

    /** Welford update of the mean and the lower triangle of the co-moment matrix with the current {@link #phi}. */
    private void update(int m, double[] outMean, double[] outScatter) {
        int dd = features;
        double[] before = dd <= diffBefore.length ? diffBefore : new double[dd];
        for (int k = 0; k < dd; k++) {
            before[k] = phi[k] - outMean[k];
            outMean[k] += before[k] / m;
        }
        for (int a = 0; a < dd; a++) {
            double da = before[a];
            int row = a * dd;
            for (int b = 0; b <= a; b++) {
                outScatter[row + b] += da * (phi[b] - outMean[b]);
            }
        }
    }

    private void project(float[] rows, int base) {
        // omega is stored feature-major (d x D) so the inner loop is an axpy over the D random features, which the
        // JIT vectorises; a dot product per random feature would be a serial reduction
        int dd = features;
        float[] acc = projection;
        java.util.Arrays.fill(acc, 0f);
        for (int j = 0; j < dimension; j++) {
            float x = rows[base + j];
            if (x == 0f) {
                continue;
            }
            int w = j * dd;
            for (int k = 0; k < dd; k++) {
                acc[k] += omega[w + k] * x;
            }
        }
        double scale = Math.sqrt(2.0 / dd);
        for (int k = 0; k < dd; k++) {
            phi[k] = scale * Math.cos(acc[k] + phase[k]);
        }
    }

    /** Solves {@code a x = b} for a symmetric positive definite {@code a} (overwritten by its Cholesky factor). */
    static boolean choleskySolve(double[] a, double[] b, double[] x, int n) {
        for (int j = 0; j < n; j++) {
            double s = a[j * n + j];
            for (int k = 0; k < j; k++) {
                s -= a[j * n + k] * a[j * n + k];
            }
            if (!(s > 0)) {
                return false;
            }
            double l = Math.sqrt(s);
            a[j * n + j] = l;
            for (int i = j + 1; i < n; i++) {
                double t = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    t -= a[i * n + k] * a[j * n + k];
                }
                a[i * n + j] = t / l;
            }
        }
        for (int i = 0; i < n; i++) {
            double t = b[i];
            for (int k = 0; k < i; k++) {
                t -= a[i * n + k] * x[k];
            }
            x[i] = t / a[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double t = x[i];
            for (int k = i + 1; k < n; k++) {
                t -= a[k * n + i] * x[k];
            }
            x[i] = t / a[i * n + i];
        }
        return true;
    }

    private static double medianDistance(float[] rows, int count, int dimension, SplittableRandom random) {
        if (count < 2) {
            return 1;
        }
        int pairs = Math.min(1000, count * (count - 1) / 2);
        double[] d = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            int i = random.nextInt(count);
            int j = random.nextInt(count - 1);
            if (j >= i) {
                j++;
            }
            double s = 0;
            for (int k = 0; k < dimension; k++) {
                double diff = rows[i * dimension + k] - rows[j * dimension + k];
                s += diff * diff;
            }
            d[p] = Math.sqrt(s);
        }
        java.util.Arrays.sort(d);
        double median = d[pairs / 2];
        return median > 0 ? median : 1;
    }

    static double gaussian(SplittableRandom random) {
        double u1 = 1 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
