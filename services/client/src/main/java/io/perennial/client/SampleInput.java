package io.perennial.client;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One sample to send.
 *
 * @param id unique id; the client assigns a UUIDv7 when null, before the first attempt, so retries reuse it
 * @param features flattened in row-major order of the stream's input shape
 * @param label class label, or null when it comes later
 * @param timestamp event time, or null for the time of ingest
 * @param attributes small string map, may be empty
 */
public record SampleInput(String id, float[] features, String label, Instant timestamp,
        Map<String, String> attributes) {

    public SampleInput {
        Objects.requireNonNull(features, "features");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** An unlabelled sample. */
    public static SampleInput of(float[] features) {
        return new SampleInput(null, features, null, null, Map.of());
    }

    /** A labelled sample. */
    public static SampleInput labelled(float[] features, String label) {
        return new SampleInput(null, features, label, null, Map.of());
    }

    SampleInput withId(String newId) {
        return new SampleInput(newId, features, label, timestamp, attributes);
    }
}
