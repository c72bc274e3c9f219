package io.perennial.registry.evaluation;

import io.perennial.registry.evaluation.EvaluationRequest.SegmentResult;
import java.time.Instant;
import java.util.List;

/**
 * A stored evaluation report.
 *
 * @param segments the accuracy-matrix row, one entry per segment probe
 * @param summary what the registry derived: ACC, BWT, forgetting, flip rates, calibration, latency, parameters
 */
public record Evaluation(long id, String model, int version, Integer servingVersion, List<SegmentResult> segments,
        EvaluationSummary summary, String createdBy, Instant createdAt) {
}
