package io.perennial.registry.evaluation;

/**
 * The derived metrics of an evaluation (see {@link ContinualMetrics}).
 *
 * @param negativeFlipRate NFR against the serving version over all probes (null: not measured)
 * @param positiveFlipRate PFR against the serving version (null: not measured)
 * @param improvement accuracy gain over the serving version on the same probes, {@code PFR − NFR} (null: not
 *     measured)
 * @param flipSamples probe samples the flip rates cover
 */
public record EvaluationSummary(double averageAccuracy, String newestSegment, double newestAccuracy,
        double backwardTransfer, double forgetting, double maxForgetting, String maxForgettingSegment,
        int segmentsWithHistory, boolean fromAccuracyMatrix, Double negativeFlipRate, Double positiveFlipRate,
        Double improvement, Integer flipSamples, Double calibrationError, Double latencyMs, Long parameterCount) {
}
