package io.perennial.drift.detector;

/**
 * What one detector evaluation found.
 *
 * @param detector the detector's name, e.g. {@code ks}
 * @param decision drift, stable or insufficient data
 * @param statistic the test statistic (NaN when there was not enough data)
 * @param pValue the p-value (adjusted for multiple testing where the detector tests several features), or NaN for
 *     detectors that compare against a threshold instead
 * @param threshold the level the p-value or statistic is compared with
 * @param feature the index of the most drifted feature, or -1 when not applicable
 */
public record DetectorResult(String detector, Decision decision, double statistic, double pValue, double threshold,
        int feature) {

    /** A result for a window that was too small to test. */
    public static DetectorResult insufficient(String detector, double threshold) {
        return new DetectorResult(detector, Decision.INSUFFICIENT_DATA, Double.NaN, Double.NaN, threshold, -1);
    }

    public boolean drift() {
        return decision == Decision.DRIFT;
    }

    /** The p-value, or null when the detector has none (for JSON and events). */
    public Double pValueOrNull() {
        return Double.isNaN(pValue) ? null : pValue;
    }
}
