package io.perennial.drift.detector.window;

import java.util.Arrays;

/**
 * Combines per-feature p-values into one global p-value for "no feature drifted".
 *
 * <ul>
 *   <li>{@link #BONFERRONI}: \( p = \min(1, d\,p_{(1)}) \); controls the family-wise error under any dependence.</li>
 *   <li>{@link #BENJAMINI_HOCHBERG}: the smallest BH-adjusted p-value \( p = \min_k d\,p_{(k)}/k \) (Benjamini and
 *   Hochberg 1995). At least one BH rejection at level \( q \) is exactly Simes' global test, so under the global
 *   null it also controls the false-alarm rate at \( q \) for independent or positively dependent features, and it is
 *   more powerful than Bonferroni when several features shift together.</li>
 * </ul>
 */
public enum MultipleTesting {
    BONFERRONI,
    BENJAMINI_HOCHBERG;

    /** Parses {@code bonferroni}, {@code bh} or {@code benjamini-hochberg} (any case). */
    public static MultipleTesting parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "bonferroni" -> BONFERRONI;
            case "bh", "benjamini-hochberg", "benjamini_hochberg", "fdr" -> BENJAMINI_HOCHBERG;
            default -> throw new IllegalArgumentException("unknown correction: " + s);
        };
    }

    /**
     * The global p-value of {@code count} feature p-values (NaN entries are ignored; all NaN gives NaN).
     *
     * @param scratch a buffer of at least {@code count} doubles, overwritten
     */
    public double combine(double[] pValues, int count, double[] scratch) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            if (!Double.isNaN(pValues[i])) {
                scratch[k++] = pValues[i];
            }
        }
        if (k == 0) {
            return Double.NaN;
        }
        if (this == BONFERRONI) {
            double min = 1;
            for (int i = 0; i < k; i++) {
                min = Math.min(min, scratch[i]);
            }
            return Math.min(1, min * k);
        }
        Arrays.sort(scratch, 0, k);
        double best = 1;
        for (int i = 0; i < k; i++) {
            best = Math.min(best, scratch[i] * k / (i + 1));
        }
        return Math.min(1, best);
    }
}
