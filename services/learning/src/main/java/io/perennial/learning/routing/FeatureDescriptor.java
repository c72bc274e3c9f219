package io.perennial.learning.routing;

import java.util.Arrays;

/**
 * A regime's descriptor: mean and shrunk covariance of the base model's features on that regime's
 * training window, with the Mahalanobis distance it induces.
 *
 * <p>With sample covariance {@code S} of {@code n} feature vectors in {@code ℝ^D} and
 * \( \mu = \mathrm{tr}(S)/D \), the shrunk covariance is \( \Sigma = (1-\lambda) S + \lambda \mu I \). λ is
 * given or estimated by Ledoit &amp; Wolf ("A well-conditioned estimator for large-dimensional covariance
 * matrices", J. Multivariate Anal. 2004): \( \lambda = \min(\bar\beta^2, \delta^2)/\delta^2 \) with
 * \( \delta^2 = \|S - \mu I\|_F^2 \) and \( \bar\beta^2 = \frac{1}{n^2}\sum_i \|z_i z_i^\top - S\|_F^2 \).
 * The normalised squared distance of {@code f} is \( d^2(f) = (f-m)^\top \Sigma^{-1} (f-m) / D \) (about 1 for
 * in-regime inputs); {@link #threshold()} is its {@code q}-quantile on the training window, above which an
 * input counts as novel for this regime.
 */
public final class FeatureDescriptor {

    private final String name;
    private final double[] mean;
    private final double[][] covariance;
    private final double shrinkage;
    private final int count;
    private final double threshold;
    private final double[][] whitening;

    private FeatureDescriptor(String name, double[] mean, double[][] covariance, double shrinkage, int count, double threshold) {
        this.name = name;
        this.mean = mean;
        this.covariance = covariance;
        this.shrinkage = shrinkage;
        this.count = count;
        this.whitening = inverseCholesky(covariance);
        this.threshold = threshold;
    }

    /**
     * Fits a descriptor.
     *
     * @param name regime name
     * @param features row-major {@code [n, D]}
     * @param dim D
     * @param shrinkage λ in [0, 1], or NaN for Ledoit–Wolf
     * @param quantile novelty quantile in (0, 1], for example 0.99
     * @return the descriptor
     * @throws IllegalArgumentException for fewer than 2 samples or non-finite features
     */
    public static FeatureDescriptor fit(String name, float[] features, int dim, double shrinkage, double quantile) {
        int n = features.length / dim;
        if (n < 2 || features.length != n * dim) {
            throw new IllegalArgumentException("empty segment: descriptor '" + name + "' needs at least 2 feature rows of dimension "
                    + dim + ", got " + features.length + " values");
        }
        double[] m = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                float v = features[i * dim + j];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("non-finite base feature in descriptor '" + name + "': row " + i + " dim " + j);
                }
                m[j] += v;
            }
        }
        for (int j = 0; j < dim; j++) {
            m[j] /= n;
        }
        double[][] s = new double[dim][dim];
        double[] z = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                z[j] = features[i * dim + j] - m[j];
            }
            for (int a = 0; a < dim; a++) {
                double za = z[a];
                if (za == 0) {
                    continue;
                }
                double[] row = s[a];
                for (int b = a; b < dim; b++) {
                    row[b] += za * z[b];
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
            lambda = ledoitWolf(features, n, dim, m, s, mu);
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
        double thr = d[Math.min(n - 1, (int) Math.ceil(quantile * n) - 1)];
        return new FeatureDescriptor(name, m, cov, lambda, n, thr);
    }

    /**
     * Restores a saved descriptor.
     *
     * @param name regime name
     * @param mean mean
     * @param covariance shrunk covariance
     * @param shrinkage λ used
     * @param count samples it was fitted on
     * @param threshold novelty threshold
     * @return the descriptor
     */
    public static FeatureDescriptor restore(String name, double[] mean, double[][] covariance, double shrinkage, int count, double threshold) {
        return new FeatureDescriptor(name, mean.clone(), covariance, shrinkage, count, threshold);
    }

    private static double ledoitWolf(float[] x, int n, int dim, double[] m, double[][] s, double mu) {
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
        double[] z = new double[dim];
        double[] sz = new double[dim];
        for (int i = 0; i < n; i++) {
            double zz = 0;
            for (int j = 0; j < dim; j++) {
                z[j] = x[i * dim + j] - m[j];
                zz += z[j] * z[j];
            }
            double zsz = 0;
            for (int a = 0; a < dim; a++) {
                double acc = 0;
                double[] row = s[a];
                for (int b = 0; b < dim; b++) {
                    acc += row[b] * z[b];
                }
                sz[a] = acc;
                zsz += z[a] * acc;
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
     * Normalised squared Mahalanobis distance \( (f-m)^\top \Sigma^{-1} (f-m) / D \).
     *
     * @param f feature vector
     * @return distance
     */
    public double distance(double[] f) {
        int dim = mean.length;
        double sum = 0;
        double[] z = new double[dim];
        for (int j = 0; j < dim; j++) {
            z[j] = f[j] - mean[j];
        }
        for (int a = 0; a < dim; a++) {
            double acc = 0;
            for (int b = 0; b <= a; b++) {
                acc += whitening[a][b] * z[b];
            }
            sum += acc * acc;
        }
        return sum / dim;
    }

    /** Returns the regime name. */
    public String name() {
        return name;
    }

    /** Returns the feature dimension D. */
    public int dim() {
        return mean.length;
    }

    /** Returns a copy of the mean. */
    public double[] mean() {
        return mean.clone();
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
