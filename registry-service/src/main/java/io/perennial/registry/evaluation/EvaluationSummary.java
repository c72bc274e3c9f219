package io.perennial.registry.evaluation;

import java.util.List;

/**
 * The derived metrics of an evaluation (see {@link ContinualMetrics}).
 *
 * @param negativeFlipRate NFR against the serving version over all probes (null: not measured)
 * @param positiveFlipRate PFR against the serving version (null: not measured)
 * @param improvement accuracy gain over the serving version on the same probes, {@code PFR − NFR} (null: not
 *     measured)
 * @param flipSamples probe samples the flip rates cover
 * @param archivedSegments the segments the report marks archived, in row order (empty when none): left out of
 *     {@code forgetting} and {@code maxForgetting} and of {@code activeNegativeFlipRate}
 * @param activeNegativeFlipRate NFR over the probes of the segments not archived, pooled by probe size: what the
 *     gate bounds. Equal to {@code negativeFlipRate} when nothing is archived; null when not measured, or when a
 *     segment is archived and an active probe has no rates or size (the gate then falls back to
 *     {@code negativeFlipRate}, archived probes included)
 * @param activeImprovement {@code PFR − NFR} over the same probes as {@code activeNegativeFlipRate}: what the gate's
 *     {@code min-improvement} reads when segments are archived (null in the same cases; reports stored before it
 *     existed read back null)
 */
public record EvaluationSummary(double averageAccuracy, String newestSegment, double newestAccuracy,
        double backwardTransfer, double forgetting, double maxForgetting, String maxForgettingSegment,
        int segmentsWithHistory, boolean fromAccuracyMatrix, Double negativeFlipRate, Double positiveFlipRate,
        Double improvement, Integer flipSamples, Double calibrationError, Double latencyMs, Long parameterCount,
        List<String> archivedSegments, Double activeNegativeFlipRate,
        Double activeImprovement) {

    public EvaluationSummary {
        // summaries stored before archiving existed have no list
        archivedSegments = archivedSegments == null ? List.of() : List.copyOf(archivedSegments);
    }
}
