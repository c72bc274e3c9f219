package io.perennial.learning.bench;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.perennial.formats.metrics.AccuracyMatrix;

/**
 * One method's outcome on one sequence.
 *
 * @param method method name
 * @param replayFree whether it trains each update on the new segment only
 * @param matrix full accuracy matrix {@code R} (null for methods evaluated only after the last segment)
 * @param finalRow accuracies after the last segment, per segment
 * @param flipRatesPerUpdate negative flip rate of each update on the probes of the segments seen before it
 * @param trainableParameters scalars trained per update
 * @param trainSeconds training time over all updates (base training excluded)
 * @param samplesPerSecond training samples per second over all updates
 * @param note free-text remark
 */
public record MethodResult(String method, boolean replayFree, @Nullable AccuracyMatrix matrix, double[] finalRow,
        List<Double> flipRatesPerUpdate, long trainableParameters, double trainSeconds, double samplesPerSecond, String note) {

    /** Average accuracy after the last segment. */
    public double averageAccuracy() {
        double s = 0;
        for (double v : finalRow) {
            s += v;
        }
        return s / finalRow.length;
    }

    /** Backward transfer, or NaN without a matrix. */
    public double backwardTransfer() {
        return matrix == null ? Double.NaN : matrix.backwardTransfer();
    }

    /** Forgetting, or NaN without a matrix. */
    public double forgetting() {
        return matrix == null ? Double.NaN : matrix.forgetting();
    }

    /** Mean negative flip rate per update, or NaN. */
    public double meanFlipRate() {
        return flipRatesPerUpdate.isEmpty() ? Double.NaN
                : flipRatesPerUpdate.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
