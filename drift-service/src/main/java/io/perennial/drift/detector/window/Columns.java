package io.perennial.drift.detector.window;

/** Helpers over row-major windows. */
final class Columns {

    private Columns() {
    }

    /** Whether every value of a row is finite. */
    static boolean finiteRow(float[] rows, int row, int dimension) {
        int base = row * dimension;
        for (int j = 0; j < dimension; j++) {
            float v = rows[base + j];
            if (v != v || v == Float.POSITIVE_INFINITY || v == Float.NEGATIVE_INFINITY) {
                return false;
            }
        }
        return true;
    }

    /** Row-major rows with only the finite rows kept; returns the number kept, written into {@code out}. */
    static int finiteRows(float[] rows, int count, int dimension, float[] out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            if (finiteRow(rows, i, dimension)) {
                System.arraycopy(rows, i * dimension, out, k * dimension, dimension);
                k++;
            }
        }
        return k;
    }

    /** Transposes {@code count} row-major rows into {@code columns} (feature-major, stride {@code count}). */
    static void transpose(float[] rows, int count, int dimension, float[] columns) {
        final int block = 64;
        for (int i0 = 0; i0 < count; i0 += block) {
            int i1 = Math.min(count, i0 + block);
            for (int j0 = 0; j0 < dimension; j0 += block) {
                int j1 = Math.min(dimension, j0 + block);
                for (int i = i0; i < i1; i++) {
                    int r = i * dimension;
                    for (int j = j0; j < j1; j++) {
                        columns[j * count + i] = rows[r + j];
                    }
                }
            }
        }
    }
}
