package io.perennial.drift.detector.window;

import io.perennial.drift.detector.DetectorResult;

/**
 * A two-sample test whose reference window was fixed (and its statistics precomputed) at construction; each call
 * compares one current window with it.
 */
public interface WindowTest {

    /** The detector's name, e.g. {@code ks}. */
    String name();

    /**
     * Compares a current window with the reference.
     *
     * @param rows row-major features, {@code count * dimension} values; rows holding a non-finite value are skipped
     * @param count number of rows
     */
    DetectorResult test(float[] rows, int count);

    /** Builds a test from a reference window, for calibration by permutation. */
    @FunctionalInterface
    interface Factory {
        WindowTest create(float[] reference, int count, int dimension);
    }
}
