package io.perennial.worker.serving;

import java.time.Instant;

/**
 * A model served by this worker pool.
 *
 * @param productionVersion the version answering predictions, or null before the first promotion
 */
public record ServedModel(String model, String stream, Integer productionVersion, Instant updatedAt) {
}
