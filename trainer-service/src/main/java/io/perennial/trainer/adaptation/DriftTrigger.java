package io.perennial.trainer.adaptation;

import java.time.Instant;
import java.util.Map;

/**
 * A drift alarm waiting to become an adapter job.
 *
 * @param startOffsets per partition of the samples topic, where the new regime starts
 */
public record DriftTrigger(long id, String stream, String detector, String kind, Map<Integer, Long> startOffsets,
        Instant detectedAt) {
}
