package io.perennial.worker.serving;

import java.time.Instant;
import java.util.List;

/**
 * A model served by this worker pool.
 *
 * @param productionVersion the version answering predictions, or null before the first promotion
 * @param labels class labels in class-index order (from the stream's definition)
 * @param inputShape shape of one sample's features
 */
public record ServedModel(String model, String stream, Integer productionVersion, List<String> labels,
        List<Integer> inputShape, Instant updatedAt) {

    /** Features per sample. */
    public int featureCount() {
        int n = 1;
        for (int d : inputShape) {
            n *= d;
        }
        return n;
    }
}
