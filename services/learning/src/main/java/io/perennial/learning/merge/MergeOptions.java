package io.perennial.learning.merge;

/**
 * Hyperparameters of the merge methods.
 *
 * @param scale λ applied to the combined delta; {@code <= 0} means the method's default: {@code 1/T} for
 *     task arithmetic, DARE and Breadcrumbs (the mean of the deltas), {@code 1} for TIES, MagMax and
 *     orthogonal projection (which do not add magnitudes up)
 * @param density TIES: fraction of entries kept per delta, by magnitude (default 0.2)
 * @param dropRate DARE: probability {@code p} of dropping an entry (default 0.5); survivors are scaled by {@code 1/(1-p)}
 * @param seed DARE: seed of the drop masks (default 0)
 * @param breadcrumbsTop Breadcrumbs: fraction β of the largest magnitudes removed (default 0.02)
 * @param breadcrumbsBottom Breadcrumbs: fraction γ of the smallest magnitudes removed (default 0.5)
 */
public record MergeOptions(double scale, double density, double dropRate, long seed, double breadcrumbsTop, double breadcrumbsBottom) {

    /** Validates. */
    public MergeOptions {
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("TIES density must be in (0, 1], got " + density);
        }
        if (!(dropRate >= 0 && dropRate < 1)) {
            throw new IllegalArgumentException("DARE drop rate must be in [0, 1), got " + dropRate);
        }
        if (!(breadcrumbsTop >= 0 && breadcrumbsBottom >= 0 && breadcrumbsTop + breadcrumbsBottom < 1)) {
            throw new IllegalArgumentException("Breadcrumbs fractions must be >= 0 and sum to less than 1, got "
                    + breadcrumbsTop + " + " + breadcrumbsBottom);
        }
    }

    /** Returns the defaults. */
    public static MergeOptions defaults() {
        return new MergeOptions(0, 0.2, 0.5, 0, 0.02, 0.5);
    }

    /**
     * Returns a copy with λ.
     *
     * @param s λ
     * @return the copy
     */
    public MergeOptions withScale(double s) {
        return new MergeOptions(s, density, dropRate, seed, breadcrumbsTop, breadcrumbsBottom);
    }

    /**
     * Returns a copy with the DARE seed.
     *
     * @param s seed
     * @return the copy
     */
    public MergeOptions withSeed(long s) {
        return new MergeOptions(scale, density, dropRate, s, breadcrumbsTop, breadcrumbsBottom);
    }

    double effectiveScale(MergeMethod m, int tasks) {
        if (scale > 0) {
            return scale;
        }
        return switch (m) {
            case TASK_ARITHMETIC, DARE, BREADCRUMBS -> 1.0 / tasks;
            case TIES, MAGMAX, ORTHOGONAL_PROJECTION -> 1.0;
        };
    }
}
