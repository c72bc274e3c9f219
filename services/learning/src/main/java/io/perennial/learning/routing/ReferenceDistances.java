package io.perennial.learning.routing;

import io.perennial.learning.data.LabeledData;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Out-of-fold distances of a regime's training rows to its own descriptor: what a fresh window of the same
 * regime looks like, kept so that a later window can be tested against it (no sample is kept, only these
 * scalars and each row's class).
 *
 * <p>The training rows are split into {@value #FOLDS} folds; each fold's rows are measured with a descriptor
 * fitted on the other folds, so the distances are those of unseen rows (in-sample distances are biased low:
 * the mean and covariance were fitted on the very rows). The descriptor that serves is fitted on all rows, so a
 * fresh same-regime window measures slightly closer than this reference: a one-sided test ("the window is
 * farther than the reference") stays conservative.
 *
 * @param nearest normalised distance of each reference row to its nearest class mean
 * @param own normalised distance to its own class mean (NaN when the class is unknown)
 * @param classes class of each row (-1 when unknown)
 */
public record ReferenceDistances(float[] nearest, float[] own, int[] classes) {

    /** Folds of the cross-fitting. */
    public static final int FOLDS = 5;

    /** At most this many reference rows are kept (a seeded subsample beyond). */
    public static final int MAX_ROWS = 4096;

    /** Validates. */
    public ReferenceDistances {
        if (nearest.length != own.length || nearest.length != classes.length) {
            throw new IllegalArgumentException("reference distances: " + nearest.length + " nearest, " + own.length + " own, "
                    + classes.length + " classes");
        }
    }

    /** Returns the number of reference rows. */
    public int size() {
        return nearest.length;
    }

    /**
     * Computes out-of-fold distances.
     *
     * @param name regime name (for messages)
     * @param projected projected features, row-major {@code [n, dim]}
     * @param labels labels (null: plain descriptors, own distance = nearest)
     * @param dim dimension
     * @param shrinkage λ (the full fit's, so that folds skip the Ledoit–Wolf estimate) or NaN (Ledoit–Wolf per fold)
     * @return the reference, or null when the window is too small to split ({@code n < 2·FOLDS} rows)
     */
    public static @Nullable ReferenceDistances crossFit(String name, float[] projected, int @Nullable [] labels, int dim, double shrinkage) {
        int n = projected.length / dim;
        if (n < 2 * FOLDS) {
            return null;
        }
        int[] perm = LabeledData.permutation(n, 0x5eedL + n);
        int keep = Math.min(n, MAX_ROWS);
        float[] nearest = new float[keep];
        float[] own = new float[keep];
        int[] cls = new int[keep];
        int at = 0;
        double[] f = new double[dim];
        for (int fold = 0; fold < FOLDS; fold++) {
            int from = (int) ((long) fold * n / FOLDS);
            int to = (int) ((long) (fold + 1) * n / FOLDS);
            if (from >= keep) {
                break;
            }
            float[] train = new float[(n - (to - from)) * dim];
            int[] trainLabels = labels == null ? null : new int[n - (to - from)];
            int t = 0;
            for (int p = 0; p < n; p++) {
                if (p >= from && p < to) {
                    continue;
                }
                System.arraycopy(projected, perm[p] * dim, train, t * dim, dim);
                if (trainLabels != null) {
                    trainLabels[t] = labels[perm[p]];
                }
                t++;
            }
            FeatureDescriptor d = FeatureDescriptor.fit(name, train, trainLabels, dim, shrinkage, 1.0);
            for (int p = from; p < to && at < keep; p++) {
                // the permutation is random, so the first `keep` positions are a uniform subsample
                if (p >= keep) {
                    break;
                }
                int row = perm[p];
                for (int j = 0; j < dim; j++) {
                    f[j] = projected[row * dim + j];
                }
                nearest[p] = (float) d.distance(f);
                int c = labels == null ? -1 : labels[row];
                int g = labels == null ? 0 : d.groupOf(c);
                own[p] = g < 0 ? Float.NaN : (float) d.distanceTo(f, g);
                cls[p] = c;
                at++;
            }
        }
        return new ReferenceDistances(Arrays.copyOf(nearest, at), Arrays.copyOf(own, at), Arrays.copyOf(cls, at));
    }
}
