package io.perennial.learning.routing;

/**
 * Router settings.
 *
 * @param projectionDim features are projected on the top principal components of the first regime's
 *     features before descriptors are fitted (default 64; 0 keeps the full dimension). Keeps routing cost
 *     {@code O(K·k²)} per row small next to the model
 * @param shrinkage covariance shrinkage λ, or NaN for Ledoit–Wolf (default)
 * @param noveltyQuantile quantile of the training distances used as novelty threshold (default 0.99)
 * @param temperature τ of the soft mixture (default 1)
 * @param classConditional fit one mean per class with a pooled within-class covariance (default true) instead
 *     of a single mean and covariance per regime
 * @param classCovarianceShare s in [0, 1]: with class-conditional descriptors, route by each class's Gaussian likelihood
 *     with covariance \( sS_c + (1-s)\Sigma \) (default 0.5, see {@link ClassGaussians}) and send rows far from every routed
 *     regime to the base; 0 routes by the nearest pooled Mahalanobis distance as releases before did
 */
public record RouterConfig(int projectionDim, double shrinkage, double noveltyQuantile, double temperature, boolean classConditional,
        double classCovarianceShare) {

    /** Default {@link #classCovarianceShare}. */
    public static final double DEFAULT_CLASS_COVARIANCE_SHARE = 0.5;

    /** Validates. */
    public RouterConfig {
        if (projectionDim < 0) {
            throw new IllegalArgumentException("projectionDim must be >= 0, got " + projectionDim);
        }
        if (!(noveltyQuantile > 0 && noveltyQuantile <= 1)) {
            throw new IllegalArgumentException("noveltyQuantile must be in (0, 1], got " + noveltyQuantile);
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        }
        if (!(classCovarianceShare >= 0 && classCovarianceShare <= 1)) {
            throw new IllegalArgumentException("classCovarianceShare must be in [0, 1], got " + classCovarianceShare);
        }
    }

    /**
     * Settings with the default class-covariance share.
     *
     * @param projectionDim projection dimension (0 = none)
     * @param shrinkage λ or NaN
     * @param noveltyQuantile quantile
     * @param temperature τ
     * @param classConditional one mean per class
     */
    public RouterConfig(int projectionDim, double shrinkage, double noveltyQuantile, double temperature, boolean classConditional) {
        this(projectionDim, shrinkage, noveltyQuantile, temperature, classConditional, DEFAULT_CLASS_COVARIANCE_SHARE);
    }

    /** Whether routing uses the per-class Gaussians and the fallback to the base. */
    public boolean likelihoodRouting() {
        return classConditional && classCovarianceShare > 0;
    }

    /**
     * Settings with class-conditional descriptors.
     *
     * @param projectionDim projection dimension (0 = none)
     * @param shrinkage λ or NaN
     * @param noveltyQuantile quantile
     * @param temperature τ
     */
    public RouterConfig(int projectionDim, double shrinkage, double noveltyQuantile, double temperature) {
        this(projectionDim, shrinkage, noveltyQuantile, temperature, true);
    }

    /** Returns the defaults. */
    public static RouterConfig defaults() {
        return new RouterConfig(64, Double.NaN, 0.99, 1.0, true);
    }

    /**
     * Returns a copy with class-conditional descriptors on or off.
     *
     * @param on whether to fit one mean per class
     * @return the copy
     */
    public RouterConfig withClassConditional(boolean on) {
        return new RouterConfig(projectionDim, shrinkage, noveltyQuantile, temperature, on, classCovarianceShare);
    }

    /**
     * Returns a copy with another projection dimension.
     *
     * @param dim dimension (0 = none)
     * @return the copy
     */
    public RouterConfig withProjectionDim(int dim) {
        return new RouterConfig(dim, shrinkage, noveltyQuantile, temperature, classConditional, classCovarianceShare);
    }

    /**
     * Returns a copy with another class-covariance share.
     *
     * @param share s in [0, 1]
     * @return the copy
     */
    public RouterConfig withClassCovarianceShare(double share) {
        return new RouterConfig(projectionDim, shrinkage, noveltyQuantile, temperature, classConditional, share);
    }
}
