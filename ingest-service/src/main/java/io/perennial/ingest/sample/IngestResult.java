package io.perennial.ingest.sample;

import java.util.List;
import java.util.Map;

/**
 * The answer to an ingest request.
 *
 * @param accepted records the broker acknowledged
 * @param rejected records that failed validation (listed in {@code errors}, up to a limit)
 * @param failed records that were valid but not acknowledged by the broker (listed in {@code errors})
 * @param offsets per partition of the samples topic, the first and last offset written
 */
public record IngestResult(String stream, int accepted, int rejected, int failed, List<RecordError> errors,
        Map<Integer, long[]> offsets) {
}
