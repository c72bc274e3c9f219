package io.perennial.formats.metrics;

import java.util.Arrays;

/**
 * A confusion matrix {@code C[y][ŷ]}: how many samples of true class {@code y} were predicted as {@code ŷ}.
 *
 * <p>Per class {@code c}: recall = {@code C[c][c] / Σ_k C[c][k]}, precision = {@code C[c][c] / Σ_k C[k][c]}
 * (0 when the denominator is 0); accuracy = trace / total.
 */
public final class ConfusionMatrix {

    private final long[][] counts;

    private ConfusionMatrix(long[][] counts) {
        this.counts = counts;
    }

    /**
     * Tallies predictions.
     *
     * @param classes number of classes C
     * @param labels true labels in [0, C)
     * @param predictions predicted labels in [0, C)
     * @return the matrix
     */
    public static ConfusionMatrix of(int classes, int[] labels, int[] predictions) {
        if (labels.length != predictions.length) {
            throw new IllegalArgumentException("confusion matrix needs equally long arrays: labels " + labels.length
                    + ", predictions " + predictions.length);
        }
        long[][] c = new long[classes][classes];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes || predictions[i] < 0 || predictions[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " or prediction " + predictions[i]
                        + " at index " + i + " is outside [0, " + classes + ")");
            }
            c[labels[i]][predictions[i]]++;
        }
        return new ConfusionMatrix(c);
    }

    /** Returns the number of classes. */
    public int classes() {
        return counts.length;
    }

    /**
     * Returns {@code C[label][prediction]}.
     *
     * @param label true class
     * @param prediction predicted class
     * @return count
     */
    public long count(int label, int prediction) {
        return counts[label][prediction];
    }

    /** Returns a copy of the counts. */
    public long[][] toArray() {
        long[][] out = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            out[i] = counts[i].clone();
        }
        return out;
    }

    /** Returns the total number of samples. */
    public long total() {
        long n = 0;
        for (long[] row : counts) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    /** Returns trace / total (0 for an empty matrix). */
    public double accuracy() {
        long t = total();
        if (t == 0) {
            return 0;
        }
        long d = 0;
        for (int i = 0; i < counts.length; i++) {
            d += counts[i][i];
        }
        return (double) d / t;
    }

    /**
     * Returns the recall of a class.
     *
     * @param c class
     * @return recall in [0, 1]
     */
    public double recall(int c) {
        long row = Arrays.stream(counts[c]).sum();
        return row == 0 ? 0 : (double) counts[c][c] / row;
    }

    /**
     * Returns the precision of a class.
     *
     * @param c class
     * @return precision in [0, 1]
     */
    public double precision(int c) {
        long col = 0;
        for (long[] row : counts) {
            col += row[c];
        }
        return col == 0 ? 0 : (double) counts[c][c] / col;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix m && Arrays.deepEquals(counts, m.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(counts);
    }

    @Override
    public String toString() {
        return "ConfusionMatrix" + Arrays.deepToString(counts);
    }
}
