package io.perennial.contracts.events;

import java.time.Instant;
import java.util.Map;

/** Sample-level events: late labels and served predictions. */
public final class SampleEvents {

    private SampleEvents() {
    }

    /** A label that arrived after its sample, on {@code perennial.labels} keyed by sample id. */
    public record LabelAssigned(String stream, String sampleId, String label, Instant labelledAt) {
    }

    /**
     * A prediction served by gpu-worker, on {@code perennial.predictions} keyed by stream.
     *
     * @param novelty distance to the nearest adapter descriptor; large means unlike any known regime
     */
    public record PredictionServed(String stream, String sampleId, int version, String adapter, String predictedLabel,
            double confidence, double novelty, Instant servedAt) {
    }

    /**
     * One validated sample as stored on {@code perennial.samples.<stream>}, keyed by its id.
     *
     * @param features flattened in row-major order of the stream's input shape
     */
    public record Sample(String id, float[] features, String label, Instant timestamp, Map<String, String> attributes) {
    }
}
