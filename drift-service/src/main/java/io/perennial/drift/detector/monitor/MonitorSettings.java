package io.perennial.drift.detector.monitor;

import io.perennial.drift.detector.window.MultipleTesting;
import java.util.Set;

/**
 * How one stream is monitored.
 *
 * @param dimension features per sample
 * @param referenceSize samples in the reference window
 * @param windowSize samples in the sliding current window
 * @param evaluateEvery evaluate after this many new samples
 * @param alpha the false-alarm probability per evaluation, shared (Bonferroni) among the enabled tests
 * @param correction how per-feature KS p-values are combined
 * @param detectors enabled window tests among {@code ks}, {@code mmd}, {@code psi}, {@code chi2} (labels or
 *     predicted classes)
 * @param minSamples fewer finite samples than this in either window gives "insufficient data"
 * @param rebaseline after an alarm, wait {@code cooldown} samples and take the next {@code referenceSize} samples
 *     as the new reference; otherwise stay alarmed until every test's p-value exceeds {@code resolveAlpha}
 * @param cooldown samples ignored after an alarm before the new reference is collected
 * @param resolveAlpha the hysteresis level for "drift resolved" (when not rebaselining)
 * @param categories number of label / class categories for {@code chi2} (0 disables it)
 * @param rffFeatures random Fourier features of the MMD test
 * @param seed seed of the MMD test's random features
 * @param calibrationPermutations when positive, each feature test's level is calibrated on every new reference by
 *     this many random splits of it ({@link io.perennial.drift.detector.window.PermutationCalibration}); 0 uses the
 *     nominal level
 */
public record MonitorSettings(int dimension, int referenceSize, int windowSize, int evaluateEvery, double alpha,
        MultipleTesting correction, Set<String> detectors, int minSamples, boolean rebaseline, int cooldown,
        double resolveAlpha, int categories, int rffFeatures, long seed, int calibrationPermutations) {

    /** Settings with the nominal level (no permutation calibration). */
    public MonitorSettings(int dimension, int referenceSize, int windowSize, int evaluateEvery, double alpha,
            MultipleTesting correction, Set<String> detectors, int minSamples, boolean rebaseline, int cooldown,
            double resolveAlpha, int categories, int rffFeatures, long seed) {
        this(dimension, referenceSize, windowSize, evaluateEvery, alpha, correction, detectors, minSamples,
                rebaseline, cooldown, resolveAlpha, categories, rffFeatures, seed, 0);
    }

    public MonitorSettings {
        if (dimension < 1 || referenceSize < 1 || windowSize < 1 || evaluateEvery < 1) {
            throw new IllegalArgumentException("dimension, window sizes and evaluation period must be positive");
        }
        if (!(alpha > 0 && alpha < 1) || !(resolveAlpha > 0 && resolveAlpha < 1)) {
            throw new IllegalArgumentException("alpha and resolveAlpha must lie in (0, 1)");
        }
        detectors = Set.copyOf(detectors);
    }

    /** Defaults for a stream of {@code dimension} features: windows of 1000, evaluation every 250. */
    public static MonitorSettings defaults(int dimension) {
        return new MonitorSettings(dimension, 1000, 1000, 250, 0.001, MultipleTesting.BENJAMINI_HOCHBERG,
                Set.of("ks", "mmd", "chi2"), 100, true, 1000, 0.2, 0, 32, 42L);
    }

    public MonitorSettings withDimension(int d, int categoryCount) {
        return new MonitorSettings(d, referenceSize, windowSize, evaluateEvery, alpha, correction, detectors,
                minSamples, rebaseline, cooldown, resolveAlpha, categoryCount, rffFeatures, seed,
                calibrationPermutations);
    }
}
