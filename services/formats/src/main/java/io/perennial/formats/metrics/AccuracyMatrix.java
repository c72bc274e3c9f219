package io.perennial.formats.metrics;

import java.util.Arrays;

/**
 * The continual-learning accuracy matrix and the summary metrics derived from it.
 *
 * <p>{@code R[i][j]} is the accuracy (a fraction in [0, 1]) of the model obtained after learning
 * segment {@code i} (version {@code i}), measured on the held-out probe of segment {@code j}; there are
 * {@code T} segments, so {@code R} is {@code T×T}. Entries above the diagonal ({@code j > i}) measure a
 * segment before it was learned and feed forward transfer. Definitions follow Lopez-Paz &amp; Ranzato,
 * "Gradient Episodic Memory for Continual Learning" (NeurIPS 2017,
 * <a href="https://arxiv.org/abs/1706.08840">arXiv:1706.08840</a>) and Chaudhry et al., "Riemannian
 * Walk for Incremental Learning" (ECCV 2018, <a href="https://arxiv.org/abs/1801.10112">arXiv:1801.10112</a>).
 *
 * <pre>
 * ACC = (1/T) Σ_{j=0}^{T-1} R[T-1][j]
 * BWT = (1/(T-1)) Σ_{j=0}^{T-2} (R[T-1][j] − R[j][j])
 * FWT = (1/(T-1)) Σ_{j=1}^{T-1} (R[j-1][j] − b_j)          b_j: accuracy of a reference model on segment j
 * F   = (1/(T-1)) Σ_{j=0}^{T-2} max_{l∈[j, T-2]} (R[l][j] − R[T-1][j])
 * </pre>
 *
 * <p>Negative BWT means forgetting; F is the average drop from the best accuracy a segment ever had.
 */
public final class AccuracyMatrix {

    private final double[][] r;

    private AccuracyMatrix(double[][] r) {
        this.r = r;
    }

    /**
     * Creates a matrix from its rows.
     *
     * @param rows {@code T×T} accuracies in [0, 1]
     * @return the matrix
     * @throws IllegalArgumentException if not square, empty, or an entry is not a finite fraction
     */
    public static AccuracyMatrix of(double[][] rows) {
        int t = rows.length;
        if (t == 0) {
            throw new IllegalArgumentException("accuracy matrix is empty");
        }
        double[][] copy = new double[t][];
        for (int i = 0; i < t; i++) {
            if (rows[i].length != t) {
                throw new IllegalArgumentException("accuracy matrix must be square: row " + i + " has "
                        + rows[i].length + " entries, expected " + t);
            }
            for (int j = 0; j < t; j++) {
                double v = rows[i][j];
                if (!(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException("accuracy R[" + i + "][" + j + "] = " + v + " is not in [0, 1]");
                }
            }
            copy[i] = rows[i].clone();
        }
        return new AccuracyMatrix(copy);
    }

    /** Returns the number of segments T. */
    public int size() {
        return r.length;
    }

    /**
     * Returns {@code R[i][j]}.
     *
     * @param i version (after learning segment i)
     * @param j segment
     * @return accuracy in [0, 1]
     */
    public double get(int i, int j) {
        return r[i][j];
    }

    /** Returns a copy of the rows. */
    public double[][] toArray() {
        double[][] out = new double[r.length][];
        for (int i = 0; i < r.length; i++) {
            out[i] = r[i].clone();
        }
        return out;
    }

    /** Average accuracy after the last segment: {@code (1/T) Σ_j R[T-1][j]}. */
    public double averageAccuracy() {
        return averageAccuracyAfter(r.length - 1);
    }

    /**
     * Average accuracy of version {@code i} over the segments seen so far: {@code (1/(i+1)) Σ_{j≤i} R[i][j]}.
     *
     * @param i version
     * @return average in [0, 1]
     */
    public double averageAccuracyAfter(int i) {
        double s = 0;
        for (int j = 0; j <= i; j++) {
            s += r[i][j];
        }
        return s / (i + 1);
    }

    /** Backward transfer; 0 when T = 1. */
    public double backwardTransfer() {
        int t = r.length;
        if (t < 2) {
            return 0;
        }
        double s = 0;
        for (int j = 0; j < t - 1; j++) {
            s += r[t - 1][j] - r[j][j];
        }
        return s / (t - 1);
    }

    /** Average forgetting (Chaudhry et al. 2018); 0 when T = 1. */
    public double forgetting() {
        int t = r.length;
        if (t < 2) {
            return 0;
        }
        double s = 0;
        for (int j = 0; j < t - 1; j++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int l = j; l < t - 1; l++) {
                best = Math.max(best, r[l][j]);
            }
            s += best - r[t - 1][j];
        }
        return s / (t - 1);
    }

    /**
     * Forward transfer against reference accuracies {@code b_j} (for example a randomly initialised or
     * the base model on each segment); 0 when T = 1.
     *
     * @param baseline {@code b}, one entry per segment (entry 0 unused)
     * @return FWT
     */
    public double forwardTransfer(double[] baseline) {
        int t = r.length;
        if (baseline.length != t) {
            throw new IllegalArgumentException("forward transfer needs " + t + " baseline accuracies, got " + baseline.length);
        }
        if (t < 2) {
            return 0;
        }
        double s = 0;
        for (int j = 1; j < t; j++) {
            s += r[j - 1][j] - baseline[j];
        }
        return s / (t - 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccuracyMatrix m && Arrays.deepEquals(r, m.r);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(r);
    }

    @Override
    public String toString() {
        return "AccuracyMatrix" + Arrays.deepToString(r);
    }
}
