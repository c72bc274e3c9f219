package io.perennial.contracts.events;

import java.time.Instant;
import java.util.Map;

/** Drift alarms on {@code perennial.drift}, produced by drift-service, keyed by stream. */
public final class DriftEvents {

    private DriftEvents() {
    }

    /** How strongly a detector fired. */
    public enum Severity { LOW, MEDIUM, HIGH }

    /**
     * A detector decided that the stream's distribution shifted.
     *
     * @param kind what drifted: {@code feature}, {@code label}, {@code prediction} or {@code error}
     * @param startOffsets per partition of the samples topic, the first offset of the new regime
     */
    public record DriftDetected(String stream, String detector, String kind, double statistic, Double pValue,
            double threshold, Severity severity, Map<Integer, Long> startOffsets, Instant detectedAt) {
    }

    /** A previously alarmed stream is back within its reference distribution. */
    public record DriftResolved(String stream, String detector, Instant resolvedAt) {
    }
}
