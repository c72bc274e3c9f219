package io.perennial.drift.monitor;

import io.perennial.drift.detector.monitor.MonitorSettings;
import io.perennial.drift.detector.window.MultipleTesting;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Set;

/**
 * A stream's detector configuration, as set over REST.
 *
 * @param referenceSize samples in the reference window (the first N after start, a reset or a promotion)
 * @param windowSize samples in the sliding current window
 * @param evaluateEvery evaluate after this many new samples
 * @param evaluateIntervalSeconds also evaluate when this many seconds passed with new samples (0: count only)
 * @param alpha false-alarm probability per evaluation, shared by the enabled window tests
 * @param correction {@code bonferroni} or {@code bh} for the per-feature KS tests
 * @param detectors feature/label window tests: {@code ks}, {@code mmd}, {@code psi}, {@code chi2}
 * @param errorDetector the sequential detector on the error stream: {@code adwin}, {@code ddm},
 *     {@code page-hinkley}, {@code hddm-a} or {@code none}
 * @param rebaseline after an alarm, take a new reference after the cooldown (otherwise hysteresis until resolved)
 * @param cooldown samples ignored after an alarm
 * @param resolveAlpha hysteresis: without rebaselining, an alarm resolves when every p-value exceeds this
 * @param minSamples smaller windows give "insufficient data"
 * @param calibrationPermutations permutations of each new reference used to calibrate the feature tests' level
 *     (null or 0: the nominal level)
 */
public record DetectorConfig(
        @Schema(example = "1000") @Min(1) @Max(100_000) int referenceSize,
        @Schema(example = "1000") @Min(1) @Max(100_000) int windowSize,
        @Schema(example = "250") @Min(1) @Max(100_000) int evaluateEvery,
        @Schema(example = "0") @Min(0) @Max(86_400) int evaluateIntervalSeconds,
        @Schema(example = "0.001") @DecimalMin(value = "0", inclusive = false)
        @DecimalMax(value = "1", inclusive = false) double alpha,
        @NotNull @Pattern(regexp = "bonferroni|bh") String correction,
        @NotEmpty List<@Pattern(regexp = "ks|mmd|psi|chi2") String> detectors,
        @NotNull @Pattern(regexp = "adwin|ddm|page-hinkley|hddm-a|none") String errorDetector,
        boolean rebaseline,
        @Min(0) @Max(1_000_000) int cooldown,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1", inclusive = false) double resolveAlpha,
        @Min(2) @Max(100_000) int minSamples,
        @Schema(example = "0") @Min(0) @Max(1000) Integer calibrationPermutations) {

    /** The configuration of a stream nobody configured. */
    public static DetectorConfig defaults() {
        return new DetectorConfig(1000, 1000, 250, 0, 0.001, "bh", List.of("ks", "mmd", "chi2"), "adwin", true,
                1000, 0.2, 100, 0);
    }

    /** Checks what annotations cannot express. */
    public void validate() {
        if (minSamples > referenceSize || minSamples > windowSize) {
            throw io.perennial.support.web.ApiException.badRequest(
                    "minSamples must not exceed referenceSize or windowSize");
        }
    }

    /** The monitor settings for a stream of {@code dimension} features and {@code categories} labels. */
    public MonitorSettings settings(int dimension, int categories) {
        return new MonitorSettings(dimension, referenceSize, windowSize, evaluateEvery, alpha,
                MultipleTesting.parse(correction), Set.copyOf(detectors), minSamples, rebaseline, cooldown,
                resolveAlpha, categories, 32, 42L, calibrationPermutations == null ? 0 : calibrationPermutations);
    }
}
