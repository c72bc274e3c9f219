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
 */
public record RouterConfig(int projectionDim, double shrinkage, double noveltyQuantile, double temperature, boolean classConditional) {

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
        return new RouterConfig(projectionDim, shrinkage, noveltyQuantile, temperature, on);
    }

    /**
     * Returns a copy with another projection dimension.
     *
     * @param dim dimension (0 = none)
     * @return the copy
     */
    public RouterConfig withProjectionDim(int dim) {
        return new RouterConfig(dim, shrinkage, noveltyQuantile, temperature, classConditional);
    }
}
