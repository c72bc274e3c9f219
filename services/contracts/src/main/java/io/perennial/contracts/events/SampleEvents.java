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

    /** CloudEvents {@code type} of records on {@code perennial.samples.<stream>}. */
    public static final String SAMPLE_TYPE = "io.perennial.sample.ingested";

    /**
     * One validated sample as stored on {@code perennial.samples.<stream>}, keyed by its id, with CloudEvents headers
     * ({@code ce_type} {@value #SAMPLE_TYPE}, {@code ce_id} the sample id, {@code ce_subject} the stream).
     *
     * @param id client-supplied or a UUIDv7 assigned at ingest
     * @param features flattened in row-major order of the stream's input shape; finite numbers only
     * @param label class label, or null when it comes later on {@code perennial.labels}
     * @param timestamp event time given by the client, else ingest time
     * @param attributes small string map passed through untouched
     */
    public record Sample(String id, float[] features, String label, Instant timestamp, Map<String, String> attributes) {

        @Override
        public boolean equals(Object o) {
            return o instanceof Sample s && id.equals(s.id) && java.util.Arrays.equals(features, s.features)
                    && java.util.Objects.equals(label, s.label) && java.util.Objects.equals(timestamp, s.timestamp)
                    && java.util.Objects.equals(attributes, s.attributes);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(id, java.util.Arrays.hashCode(features), label, timestamp, attributes);
        }

        @Override
        public String toString() {
            return "Sample[id=" + id + ", features=" + features.length + ", label=" + label + "]";
        }
    }
}
