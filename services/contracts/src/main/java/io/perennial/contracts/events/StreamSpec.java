package io.perennial.contracts.events;

import java.util.List;
import java.util.Map;

/**
 * The definition of a stream as other services need it: what a sample looks like and how the platform adapts.
 *
 * @param name the stream name (see {@link io.perennial.contracts.StreamName})
 * @param inputShape shape of one sample's features, e.g. {@code [784]} or {@code [1, 28, 28]}
 * @param labels the class labels, in class-index order
 * @param labelRequired whether every sample must carry a label at ingest
 * @param partitions partitions of the stream's samples topic
 * @param retentionMs {@code retention.ms} of the samples topic: how long training data lives
 * @param modelFamily the model family spec (JSON object, see {@code perennial-formats})
 * @param policy the adaptation policy (JSON object, interpreted by trainer-service)
 */
public record StreamSpec(String name, List<Integer> inputShape, List<String> labels, boolean labelRequired,
        int partitions, long retentionMs, Map<String, Object> modelFamily, Map<String, Object> policy) {

    public StreamSpec {
        inputShape = List.copyOf(inputShape);
        labels = List.copyOf(labels);
        modelFamily = modelFamily == null ? Map.of() : Map.copyOf(modelFamily);
        policy = policy == null ? Map.of() : Map.copyOf(policy);
    }

    /** Number of features in one sample: the product of the input shape. */
    public int featureCount() {
        int n = 1;
        for (int d : inputShape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
