package io.perennial.learning.routing;

/**
 * One Gaussian per class of a regime, for routing by likelihood: class covariances
 * \( \Sigma_{c} = s\,S_c + (1-s)\,\Sigma \) blend each class's own scatter {@code S_c} with the regime's shrunk pooled
 * covariance Σ (Friedman's regularised discriminant analysis, 1989), and the routing score of a feature {@code f} is the
 * Gaussian negative log-likelihood up to constants,
 * \( s_r(f) = \min_c \big[(f-m_c)^\top\Sigma_c^{-1}(f-m_c) + \log\det\Sigma_c\big]/D \).
 * The log-determinant is what the plain Mahalanobis distance lacks: a broad regime no longer claims every row between
 * regimes. Only moments are kept (means, covariances), no sample.
 */
public final class ClassGaussians {

    private final double[][][] covariances;
    private final double[][][] whitening;
    private final double[] logDet;

    private ClassGaussians(double[][][] covariances) {
        this.covariances = covariances;
        this.whitening = new double[covariances.length][][];
        this.logDet = new double[covariances.length];
        for (int g = 0; g < covariances.length; g++) {
            whitening[g] = FeatureDescriptor.inverseCholesky(covariances[g]);
            double s = 0;
            for (int i = 0; i < whitening[g].length; i++) {
                s -= 2 * Math.log(whitening[g][i][i]);
            }
            logDet[g] = s;
        }
    }

    /**
     * Fits the class covariances.
     *
     * @param features row-major {@code [n, dim]}
     * @param groups group (class mean index) of each row
     * @param means the group means
     * @param pooled the shrunk pooled covariance
     * @param share s in (0, 1]: weight of each class's own scatter
     * @return the Gaussians
     */
    static ClassGaussians fit(float[] features, int[] groups, double[][] means, double[][] pooled, double share) {
        int dim = pooled.length;
        int k = means.length;
        double[][][] cov = new double[k][dim][dim];
        int[] counts = new int[k];
        double[] z = new double[dim];
        for (int i = 0; i < groups.length; i++) {
            int g = groups[i];
            counts[g]++;
            double[] m = means[g];
            for (int j = 0; j < dim; j++) {
                z[j] = features[i * dim + j] - m[j];
            }
            double[][] s = cov[g];
            for (int a = 0; a < dim; a++) {
                if (z[a] == 0) {
                    continue;
                }
                double[] row = s[a];
                for (int b = a; b < dim; b++) {
                    row[b] += z[a] * z[b];
                }
            }
        }
        for (int g = 0; g < k; g++) {
            // a class with a single row has no scatter of its own: it takes the pooled covariance
            double own = counts[g] > 1 ? share : 0;
            for (int a = 0; a < dim; a++) {
                for (int b = a; b < dim; b++) {
                    double v = own * (counts[g] > 0 ? cov[g][a][b] / counts[g] : 0) + (1 - own) * pooled[a][b];
                    cov[g][a][b] = v;
                    cov[g][b][a] = v;
                }
            }
        }
        return new ClassGaussians(cov);
    }

    /**
     * Restores saved class covariances.
     *
     * @param covariances one {@code [dim, dim]} covariance per group
     * @return the Gaussians
     */
    public static ClassGaussians restore(double[][][] covariances) {
        return new ClassGaussians(covariances);
    }

    /** Returns the class covariances (not copied; do not modify). */
    public double[][][] covariances() {
        return covariances;
    }

    /** Returns {@code L_c⁻¹} per group (not copied; do not modify). */
    public double[][][] whitening() {
        return whitening;
    }

    /** Returns {@code log det Σ_c} per group (not copied; do not modify). */
    public double[] logDet() {
        return logDet;
    }
}
