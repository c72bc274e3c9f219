package io.perennial.drift.detector.window;

/**
 * Least-significant-digit radix sort of float ranges (four 8-bit passes over order-preserving integer keys). It has no
 * data-dependent branches, which makes it several times faster than a comparison sort on the short columns of a
 * drift window. Ordering matches {@code <} on non-NaN values, with {@code -0.0} before {@code 0.0}.
 */
final class FloatRadixSort {

    private int[] keys = new int[0];
    private int[] buffer = new int[0];
    private final int[] counts = new int[256];

    /** Sorts {@code values[from, from + length)} ascending in place; the values must not be NaN. */
    void sort(float[] values, int from, int length) {
        if (keys.length < length) {
            keys = new int[length];
            buffer = new int[length];
        }
        int[] src = keys;
        int[] dst = buffer;
        for (int i = 0; i < length; i++) {
            int b = Float.floatToRawIntBits(values[from + i]);
            src[i] = b ^ ((b >> 31) | 0x80000000);
        }
        for (int shift = 0; shift < 32; shift += 8) {
            java.util.Arrays.fill(counts, 0);
            for (int i = 0; i < length; i++) {
                counts[(src[i] >>> shift) & 0xff]++;
            }
            if (counts[(src[0] >>> shift) & 0xff] == length) {
                continue; // every key has the same digit here: the pass would not move anything
            }
            int sum = 0;
            for (int k = 0; k < 256; k++) {
                int c = counts[k];
                counts[k] = sum;
                sum += c;
            }
            for (int i = 0; i < length; i++) {
                int key = src[i];
                dst[counts[(key >>> shift) & 0xff]++] = key;
            }
            int[] t = src;
            src = dst;
            dst = t;
        }
        for (int i = 0; i < length; i++) {
            int key = src[i];
            int b = key ^ (((~key) >> 31) | 0x80000000);
            values[from + i] = Float.intBitsToFloat(b);
        }
    }
}
