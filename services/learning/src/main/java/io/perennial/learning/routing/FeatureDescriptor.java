package io.perennial.learning.routing;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * A regime's descriptor: mean(s) and shrunk covariance of the base model's features on that regime's
 * training window, with the Mahalanobis distance they induce.
 *
 * <p>In the plain form there is one mean {@code m} and {@code S} is the sample covariance. In the
 * class-conditional form (labels given) there is one mean {@code m_c} per class and {@code S} is the
 * pooled within-class covariance (as in linear discriminant analysis); the distance to the regime is the
 * distance to its nearest class mean, which separates regimes whose overall feature clouds overlap.
 *
 * <p>With \( \mu = \mathrm{tr}(S)/D \) the shrunk covariance is \( \Sigma = (1-\lambda) S + \lambda \mu I \). λ is
 * given or estimated by Ledoit &amp; Wolf ("A well-conditioned estimator for large-dimensional covariance
 * matrices", J. Multivariate Anal. 2004): \( \lambda = \min(\bar\beta^2, \delta^2)/\delta^2 \) with
 * \( \delta^2 = \|S - \mu I\|_F^2 \) and \( \bar\beta^2 = \frac{1}{n^2}\sum_i \|z_i z_i^\top - S\|_F^2 \), {@code z_i}
 * the centred samples. The normalised squared distance of {@code f} is
 * \( d^2(f) = \min_c (f-m_c)^\top \Sigma^{-1} (f-m_c) / D \) (about 1 for in-regime inputs);
 * {@link #threshold()} is its {@code q}-quantile on the training window, above which an input counts as
 * novel for this regime.
 */
public final class FeatureDescriptor {

    private final String name;
    private final double[][] means;
    private final double[][] covariance;
    private final double shrinkage;
    private final int count;
    private final double threshold;
    private final double[][] whitening;
    private final int @Nullable [] groupClasses;
    private final int @Nullable [] classCounts;
    private final @Nullable ReferenceDistances reference;
    private final @Nullable ClassGaussians gaussians;

    private FeatureDescriptor(String name, double[][] means, double[][] covariance, double shrinkage, int count, double threshold) {
        this(name, means, covariance, inverseCholesky(covariance), shrinkage, count, threshold, null, null, null, null);
    }

    private FeatureDescriptor(String name, double[][] means, double[][] covariance, double[][] whitening, double shrinkage, int count,
            double threshold, int @Nullable [] groupClasses, int @Nullable [] classCounts, @Nullable ReferenceDistances reference,
            @Nullable ClassGaussians gaussians) {
        this.name = name;
        this.means = means;
        this.covariance = covariance;
        this.shrinkage = shrinkage;
        this.count = count;
        this.whitening = whitening;
        this.threshold = threshold;
        this.groupClasses = groupClasses;
        this.classCounts = classCounts;
        this.reference = reference;
        this.gaussians = gaussians;
    }

    /**
     * Returns a copy that also records the training window's class of each mean, its class counts and the
     * out-of-fold reference distances (what the window assessment compares new windows with).
     *
     * @param groupClasses class id of each mean (null when unknown)
     * @param classCounts training class counts, one per class of the task (null when unknown)
     * @param ref out-of-fold distances (null when unknown)
     * @return the copy
     */
    public FeatureDescriptor withTrainingInfo(int @Nullable [] groupClasses, int @Nullable [] classCounts, @Nullable ReferenceDistances ref) {
        if (groupClasses != null && groupClasses.length != means.length) {
            throw new IllegalArgumentException("descriptor '" + name + "' has " + means.length + " means but " + groupClasses.length
                    + " class ids");
        }
        return new FeatureDescriptor(name, means, covariance, whitening, shrinkage, count, threshold,
                groupClasses == null ? null : groupClasses.clone(), classCounts == null ? null : classCounts.clone(), ref, gaussians);
    }

    /**
     * Returns a copy with (restored) per-class Gaussians.
     *
     * @param g the Gaussians, one per mean
     * @return the copy
     */
    public FeatureDescriptor withClassGaussians(ClassGaussians g) {
        if (g.covariances().length != means.length || g.covariances()[0].length != dim()) {
            throw new IllegalArgumentException("shape mismatch: descriptor '" + name + "' has " + means.length + " means of dimension " + dim()
                    + ", class covariances " + g.covariances().length + " of " + g.covariances()[0].length);
        }
        return new FeatureDescriptor(name, means, covariance, whitening, shrinkage, count, threshold, groupClasses, classCounts, reference, g);
    }

    /** Returns the per-class Gaussians used for likelihood routing (null when not fitted). */
    public @Nullable ClassGaussians classGaussians() {
        return gaussians;
    }

    /**
     * Fits a plain (single-mean) descriptor.
     *
     * @param name regime name
     * @param features row-major {@code [n, D]}
     * @param dim D
     * @param shrinkage λ in [0, 1], or NaN for Ledoit–Wolf
     * @param quantile novelty quantile in (0, 1], for example 0.99
     * @return the descriptor
     */
    public static FeatureDescriptor fit(String name, float[] features, int dim, double shrinkage, double quantile) {
        return fit(name, features, null, dim, shrinkage, quantile);
    }

    /**
     * Fits a descriptor; with labels, one mean per class present and the pooled within-class covariance.
     *
     * @param name regime name
     * @param features row-major {@code [n, D]}
     * @param labels class per row, or null for a single mean
     * @param dim D
     * @param shrinkage λ in [0, 1], or NaN for Ledoit–Wolf
     * @param quantile novelty quantile in (0, 1]
     * @return the descriptor
     * @throws IllegalArgumentException for fewer than 2 samples or non-finite features
     */
    public static FeatureDescriptor fit(String name, float[] features, int @Nullable [] labels, int dim, double shrinkage, double quantile) {
        return fit(name, features, labels, dim, shrinkage, quantile, 0);
    }

    /**
     * Fits a descriptor; with labels and {@code classShare > 0} also the per-class Gaussians ({@link ClassGaussians}).
     *
     * @param name regime name
     * @param features row-major {@code [n, D]}
     * @param labels class per row, or null for a single mean
     * @param dim D
     * @param shrinkage λ in [0, 1], or NaN for Ledoit–Wolf
     * @param quantile novelty quantile in (0, 1]
     * @param classShare weight of each class's own scatter in its covariance (0: no per-class Gaussians)
     * @return the descriptor
     */
    public static FeatureDescriptor fit(String name, float[] features, int @Nullable [] labels, int dim, double shrinkage, double quantile,
            double classShare) {
        int n = features.length / dim;
        if (n < 2 || features.length != n * dim) {
            throw new IllegalArgumentException("empty segment: descriptor '" + name + "' needs at least 2 feature rows of dimension "
                    + dim + ", got " + features.length + " values");
        }
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException("shape mismatch: " + labels.length + " labels for " + n + " feature rows");
        }
        int groups = 1;
        int[] g = new int[n];
        int[] groupClass = null;
        if (labels != null) {
            int max = 0;
            for (int l : labels) {
                max = Math.max(max, l);
            }
            // groups in ascending class order, so that each mean's class is known (groupClasses)
            int[] remap = new int[max + 1];
            Arrays.fill(remap, -1);
            for (int l : labels) {
                remap[l] = 0;
            }
            groups = 0;
            for (int c = 0; c <= max; c++) {
                if (remap[c] == 0) {
                    remap[c] = groups++;
                }
            }
            groupClass = new int[groups];
            for (int c = 0; c <= max; c++) {
                if (remap[c] >= 0) {
                    groupClass[remap[c]] = c;
                }
            }
            for (int i = 0; i < n; i++) {
                g[i] = remap[labels[i]];
            }
        }
        double[][] m = new double[groups][dim];
        int[] counts = new int[groups];
        for (int i = 0; i < n; i++) {
            counts[g[i]]++;
            for (int j = 0; j < dim; j++) {
                float v = features[i * dim + j];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("non-finite base feature in descriptor '" + name + "': row " + i + " dim " + j);
                }
                m[g[i]][j] += v;
            }
        }
        for (int c = 0; c < groups; c++) {
            for (int j = 0; j < dim; j++) {
                m[c][j] /= counts[c];
            }
        }
        double[] zAll = new double[n * dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                zAll[i * dim + j] = features[i * dim + j] - m[g[i]][j];
            }
        }
        double[][] s = new double[dim][dim];
        for (int i = 0; i < n; i++) {
            int off = i * dim;
            for (int a = 0; a < dim; a++) {
                double za = zAll[off + a];
                if (za == 0) {
                    continue;
                }
                double[] row = s[a];
                for (int b = a; b < dim; b++) {
                    row[b] += za * zAll[off + b];
                }
            }
        }
        for (int a = 0; a < dim; a++) {
            for (int b = a; b < dim; b++) {
                s[a][b] /= n;
                s[b][a] = s[a][b];
            }
        }
        double mu = 0;
        for (int j = 0; j < dim; j++) {
            mu += s[j][j];
        }
        mu /= dim;
        double lambda = shrinkage;
        if (Double.isNaN(lambda)) {
            lambda = ledoitWolf(zAll, n, dim, s, mu);
        }
        if (!(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("shrinkage must be in [0, 1], got " + lambda);
        }
        double floor = Math.max(mu, 1e-6) * 1e-6;
        double[][] cov = new double[dim][dim];
        for (int a = 0; a < dim; a++) {
            for (int b = 0; b < dim; b++) {
                cov[a][b] = (1 - lambda) * s[a][b] + (a == b ? lambda * mu + floor : 0);
            }
        }
        FeatureDescriptor provisional = new FeatureDescriptor(name, m, cov, lambda, n, Double.POSITIVE_INFINITY);
        double[] d = new double[n];
        double[] f = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                f[j] = features[i * dim + j];
            }
            d[i] = provisional.distance(f);
        }
        Arrays.sort(d);
        double thr = d[Math.min(n - 1, Math.max(0, (int) Math.ceil(quantile * n) - 1))];
        ClassGaussians cg = labels != null && classShare > 0 ? ClassGaussians.fit(features, g, m, cov, classShare) : null;
        return new FeatureDescriptor(name, m, cov, provisional.whitening, lambda, n, thr, groupClass, null, null, cg);
    }

    /**
     * Restores a saved descriptor.
     *
     * @param name regime name
     * @param means means, one per group
     * @param covariance shrunk covariance
     * @param shrinkage λ used
     * @param count samples it was fitted on
     * @param threshold novelty threshold
     * @return the descriptor
     */
    public static FeatureDescriptor restore(String name, double[][] means, double[][] covariance, double shrinkage, int count, double threshold) {
        return new FeatureDescriptor(name, means, covariance, shrinkage, count, threshold);
    }

    private static double ledoitWolf(double[] z, int n, int dim, double[][] s, double mu) {
        double delta2 = 0;
        double sNorm2 = 0;
        for (int a = 0; a < dim; a++) {
            for (int b = 0; b < dim; b++) {
                double v = s[a][b] - (a == b ? mu : 0);
                delta2 += v * v;
                sNorm2 += s[a][b] * s[a][b];
            }
        }
        // ||z z^T - S||_F^2 = ||z||^4 - 2 z^T S z + ||S||_F^2
        double beta = 0;
        for (int i = 0; i < n; i++) {
            int off = i * dim;
            double zz = 0;
            for (int j = 0; j < dim; j++) {
                zz += z[off + j] * z[off + j];
            }
            double zsz = 0;
            for (int a = 0; a < dim; a++) {
                double acc = 0;
                double[] row = s[a];
                for (int b = 0; b < dim; b++) {
                    acc += row[b] * z[off + b];
                }
                zsz += z[off + a] * acc;
            }
            beta += zz * zz - 2 * zsz + sNorm2;
        }
        beta /= (double) n * n;
        if (delta2 <= 0) {
            return 1;
        }
        return Math.min(beta, delta2) / delta2;
    }

    /**
     * Normalised squared Mahalanobis distance to the nearest mean, \( \min_c (f-m_c)^\top \Sigma^{-1} (f-m_c) / D \).
     *
     * @param f feature vector
     * @return distance
     */
    public double distance(double[] f) {
        double best = Double.POSITIVE_INFINITY;
        for (int gi = 0; gi < means.length; gi++) {
            best = Math.min(best, distanceTo(f, gi));
        }
        return best;
    }

    /**
     * Normalised squared Mahalanobis distance to one mean, \( (f-m_g)^\top \Sigma^{-1} (f-m_g) / D \).
     *
     * @param f feature vector
     * @param group index of the mean
     * @return distance
     */
    public double distanceTo(double[] f, int group) {
        int dim = f.length;
        double[] mean = means[group];
        double[] z = new double[dim];
        for (int j = 0; j < dim; j++) {
            z[j] = f[j] - mean[j];
        }
        double sum = 0;
        for (int a = 0; a < dim; a++) {
            double acc = 0;
            for (int b = 0; b <= a; b++) {
                acc += whitening[a][b] * z[b];
            }
            sum += acc * acc;
        }
        return sum / dim;
    }

    /**
     * Returns the index of the mean of a class.
     *
     * @param cls class id
     * @return group index, or -1 when the class had no sample in the training window or class ids are unknown
     */
    public int groupOf(int cls) {
        if (groupClasses == null) {
            return -1;
        }
        for (int gi = 0; gi < groupClasses.length; gi++) {
            if (groupClasses[gi] == cls) {
                return gi;
            }
        }
        return -1;
    }

    /** Returns the class id of each mean (null for a plain descriptor or one saved before class ids were kept). */
    public int @Nullable [] groupClasses() {
        return groupClasses == null ? null : groupClasses.clone();
    }

    /** Returns the training window's class counts (null when saved before they were kept). */
    public int @Nullable [] classCounts() {
        return classCounts == null ? null : classCounts.clone();
    }

    /** Returns the out-of-fold reference distances (null when saved before they were kept). */
    public @Nullable ReferenceDistances reference() {
        return reference;
    }

    /** Returns the regime name. */
    public String name() {
        return name;
    }

    /** Returns the feature dimension D. */
    public int dim() {
        return covariance.length;
    }

    /** Returns a copy of the first (or only) mean. */
    public double[] mean() {
        return means[0].clone();
    }

    /** Returns the means, one per group (not copied; do not modify). */
    public double[][] means() {
        return means;
    }

    /** Returns the shrunk covariance (not copied; do not modify). */
    public double[][] covariance() {
        return covariance;
    }

    /** Returns {@code L⁻¹} with {@code Σ = L Lᵀ} (lower triangular; do not modify). */
    public double[][] whitening() {
        return whitening;
    }

    /** Returns λ. */
    public double shrinkage() {
        return shrinkage;
    }

    /** Returns the number of samples fitted. */
    public int count() {
        return count;
    }

    /** Returns the novelty threshold on the normalised distance. */
    public double threshold() {
        return threshold;
    }

    static double[][] inverseCholesky(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (s <= 0) {
                        throw new IllegalArgumentException("covariance is not positive definite (pivot " + i + " = " + s + ")");
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        double[][] inv = new double[n][n];
        for (int col = 0; col < n; col++) {
            for (int i = col; i < n; i++) {
                double s = i == col ? 1 : 0;
                for (int k = col; k < i; k++) {
                    s -= l[i][k] * inv[k][col];
                }
                inv[i][col] = s / l[i][i];
            }
        }
        return inv;
    }
}
